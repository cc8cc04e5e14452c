-- Votes on motions (pour / contre / abstention) at an agenda item of a live meeting: the vote,
-- its electorate frozen when it opens, named ballots, secret ballots kept apart from who voted,
-- and the room's show-of-hands counts. Once a vote is closed, the database refuses any change
-- to it or to its ballots and counts.

create table votes (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings (id) on delete cascade,
  item_id uuid not null references agenda_items (id) on delete cascade,
  question text not null check (length(question) between 2 and 1000),
  mode text not null check (mode in ('device', 'hybrid', 'hands')),
  secret boolean not null default false,
  rule text not null check (rule in ('simple_majority', 'absolute_majority_members', 'two_thirds', 'majority_each_college', 'consensus', 'advisory')),
  casting_vote_allowed boolean not null default false,
  show_tally boolean not null default true,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid references users (id) on delete set null,
  opened_at timestamptz not null default now(),
  quorum_override_reason text,
  electorate_size integer not null check (electorate_size >= 0),
  closed_at timestamptz,
  result jsonb,
  counts jsonb,
  check ((status = 'closed') = (closed_at is not null))
);
create index votes_meeting_idx on votes (meeting_id, opened_at);

-- One row per ballot to be cast: a proxy holder (person_id) has one row per member represented.
create table vote_electorate (
  vote_id uuid not null references votes (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  voting_for_person_id uuid not null references people (id) on delete cascade,
  college text not null check (college in ('landlord', 'tenant', 'other')),
  -- Where the holder was when the vote opened: in hybrid mode only remote voters use a device.
  presence text not null check (presence in ('room', 'remote')),
  primary key (vote_id, voting_for_person_id)
);
create index vote_electorate_holder_idx on vote_electorate (vote_id, person_id);

-- Named votes: who chose what (the roll call).
create table ballots (
  vote_id uuid not null references votes (id) on delete cascade,
  voting_for_person_id uuid not null references people (id) on delete cascade,
  choice text not null check (choice in ('pour', 'contre', 'abstention')),
  cast_at timestamptz not null default now(),
  unique (vote_id, voting_for_person_id)
);

-- Secret votes: who voted, with no choice and no time...
create table vote_participation (
  vote_id uuid not null references votes (id) on delete cascade,
  voting_for_person_id uuid not null references people (id) on delete cascade,
  unique (vote_id, voting_for_person_id)
);
-- ... and what was chosen, with no person, no time and no sequence number to join on. The
-- college is kept because a rule may need a majority in each college.
create table secret_ballots (
  vote_id uuid not null references votes (id) on delete cascade,
  college text not null check (college in ('landlord', 'tenant', 'other')),
  choice text not null check (choice in ('pour', 'contre', 'abstention'))
);
create index secret_ballots_vote_idx on secret_ballots (vote_id);

-- Show-of-hands counts typed by the secretariat; 'all' when the rule needs no college split.
-- Every entry and correction is also in the meeting's audit log.
create table room_counts (
  vote_id uuid not null references votes (id) on delete cascade,
  college text not null check (college in ('landlord', 'tenant', 'other', 'all')),
  pour integer not null check (pour >= 0),
  contre integer not null check (contre >= 0),
  abstention integer not null check (abstention >= 0),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (vote_id, college)
);

-- A closed result cannot be changed through the API or SQL. Two things remain possible, both
-- outside the result itself: a deleted account leaves its user reference null (opened_by,
-- updated_by: `on delete set null`), and deleting a whole meeting (or organisation, or person)
-- removes its records by cascade (pg_trigger_depth() > 1: the delete comes from a foreign key,
-- not from a statement on these tables).
create function votes_refuse_closed_change() returns trigger language plpgsql as $$
begin
  if OLD.status = 'closed' then
    if TG_OP = 'DELETE' and pg_trigger_depth() > 1 then
      return OLD;
    end if;
    if TG_OP = 'UPDATE' and NEW.opened_by is null and (to_jsonb(NEW) - 'opened_by') = (to_jsonb(OLD) - 'opened_by') then
      return NEW;
    end if;
    raise exception 'vote % is closed: a closed result cannot be changed', OLD.id using errcode = 'P0001';
  end if;
  return case when TG_OP = 'DELETE' then OLD else NEW end;
end;
$$;

create trigger votes_closed_immutable before update or delete on votes
  for each row execute function votes_refuse_closed_change();

create function vote_rows_refuse_when_closed() returns trigger language plpgsql as $$
declare
  v uuid;
begin
  if TG_OP = 'DELETE' then v := OLD.vote_id; else v := NEW.vote_id; end if;
  if exists (select 1 from votes where id = v and status = 'closed')
     or (TG_OP = 'UPDATE' and exists (select 1 from votes where id = OLD.vote_id and status = 'closed')) then
    if TG_OP = 'DELETE' and pg_trigger_depth() > 1 then
      return OLD;
    end if;
    if TG_OP = 'UPDATE' and (to_jsonb(NEW) ->> 'updated_by') is null and (to_jsonb(OLD) ? 'updated_by')
       and (to_jsonb(NEW) - 'updated_by') = (to_jsonb(OLD) - 'updated_by') then
      return NEW;
    end if;
    raise exception 'vote % is closed: a closed result cannot be changed (%)', v, TG_TABLE_NAME using errcode = 'P0001';
  end if;
  return case when TG_OP = 'DELETE' then OLD else NEW end;
end;
$$;

create trigger vote_electorate_closed_immutable before insert or update or delete on vote_electorate
  for each row execute function vote_rows_refuse_when_closed();
create trigger ballots_closed_immutable before insert or update or delete on ballots
  for each row execute function vote_rows_refuse_when_closed();
create trigger vote_participation_closed_immutable before insert or update or delete on vote_participation
  for each row execute function vote_rows_refuse_when_closed();
create trigger secret_ballots_closed_immutable before insert or update or delete on secret_ballots
  for each row execute function vote_rows_refuse_when_closed();
create trigger room_counts_closed_immutable before insert or update or delete on room_counts
  for each row execute function vote_rows_refuse_when_closed();
