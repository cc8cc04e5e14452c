import type { Queryable } from '../db/db.ts';
import type { VoteChoice, VoteMode, VoterBallots } from '../../src/lib/protocol/vote-state.ts';

/**
 * The ballots one user may cast in a vote (their own and those of the members they represent,
 * from the electorate frozen when the vote opened) and which of them are already cast, in one
 * query. The caller has already authorised the user for this vote (a successful cast, or the
 * vote service's `get`). For a secret vote it says that a ballot was cast, never what was
 * chosen: the tables do not link the two.
 */
export async function voterBallots(db: Queryable, voteId: string, userId: string): Promise<VoterBallots> {
  const rows = await db.query<{
    mode: VoteMode;
    secret: boolean;
    me: string | null;
    for_person_id: string | null;
    name: string | null;
    presence: 'room' | 'remote' | null;
    cast: boolean;
    choice: string | null;
    option_ids: string[] | null;
  }>(
    `with v as (select v.id, v.mode, v.secret, m.organisation_id from votes v join meetings m on m.id = v.meeting_id where v.id = $1),
          me as (select p.id from people p join v on p.organisation_id = v.organisation_id where p.user_id = $2)
     select v.mode, v.secret, me.id as me, e.voting_for_person_id as for_person_id, p.full_name as name, e.presence,
            (bl.vote_id is not null or vp.vote_id is not null) as cast,
            case when v.secret then null else bl.choice::text end as choice,
            case when v.secret then null else bl.option_ids end as option_ids
       from v left join me on true
       left join vote_electorate e on e.vote_id = v.id and e.person_id = me.id
       left join people p on p.id = e.voting_for_person_id
       left join ballots bl on bl.vote_id = e.vote_id and bl.voting_for_person_id = e.voting_for_person_id
       left join vote_participation vp on vp.vote_id = e.vote_id and vp.voting_for_person_id = e.voting_for_person_id`,
    [voteId, userId]
  );
  const mine = rows.filter((r) => r.for_person_id);
  if (!mine.length) return { voteId, how: 'none', ballots: [] };
  const { mode, secret, me } = mine[0];
  // Own ballot first, then the members represented, by name.
  mine.sort((a, b) => Number(b.for_person_id === me) - Number(a.for_person_id === me) || a.name!.localeCompare(b.name!, 'fr'));
  const how = mode === 'hands' ? 'hands' : mode === 'hybrid' && mine[0].presence === 'room' ? 'room' : 'device';
  return {
    voteId,
    how,
    ballots: mine.map((r) => ({
      forPersonId: r.for_person_id!,
      name: r.name!,
      self: r.for_person_id === me,
      cast: r.cast,
      choice: secret ? null : (r.choice as VoteChoice | null),
      optionIds: secret ? null : (r.option_ids ?? null)
    }))
  };
}
