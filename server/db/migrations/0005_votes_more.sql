-- Votes, continued: choices among options (single or multiple, with a maximum), each body's
-- voting defaults (rule, the chair's casting vote on a tie, ballots changeable until close),
-- and the register of decisions that every closed vote adds to.

-- Per body: the rule a vote uses when it names none, whether the chair decides a tie, and
-- whether a voter may change their ballot while the vote is open.
alter table bodies
  add column default_vote_rule text not null default 'simple_majority'
    check (default_vote_rule in ('simple_majority', 'absolute_majority_members', 'two_thirds', 'majority_each_college', 'consensus', 'advisory')),
  add column chair_casting_vote boolean not null default false,
  add column ballots_changeable boolean not null default false;

-- A motion (pour / contre / abstention) or a choice among options ([{id, label}], ids stable).
-- `changeable` and `casting_vote_allowed` are copied from the body when the vote opens, so a
-- later change of the body's settings does not change a vote already under way.
alter table votes
  add column kind text not null default 'motion' check (kind in ('motion', 'choice')),
  add column options jsonb,
  add column max_choices integer check (max_choices is null or max_choices >= 1),
  add column changeable boolean not null default false,
  add constraint votes_choice_has_options check ((kind = 'choice') = (options is not null)),
  add constraint votes_choice_has_max check ((kind = 'choice') = (max_choices is not null));

-- Ballots of a choice vote hold the options chosen (an empty array is a blank ballot, counted
-- like an abstention); ballots of a motion hold the choice. Still one row per voter.
alter table ballots
  alter column choice drop not null,
  add column option_ids text[],
  add constraint ballots_choice_or_options check ((choice is null) <> (option_ids is null));

-- A changeable secret ballot is found again only through a receipt its voter holds: the table
-- keeps a hash of it, which nothing else in the database links to a person.
alter table secret_ballots
  alter column choice drop not null,
  add column option_ids text[],
  add column receipt_hash text unique,
  add constraint secret_ballots_choice_or_options check ((choice is null) <> (option_ids is null));

-- Show-of-hands counts per option for a choice vote (pour and contre stay 0, abstention = blank).
alter table room_counts add column options jsonb;

-- The register of decisions: one line per closed vote, written in the same transaction that
-- closes it, numbered per body and year, never changed afterwards.
create table decisions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  meeting_id uuid not null references meetings (id) on delete cascade,
  vote_id uuid not null unique references votes (id) on delete cascade,
  year integer not null,
  number integer not null check (number >= 1),
  decided_at timestamptz not null,
  -- 'decision' (a motion under a deciding rule), 'opinion' (an advisory motion: an avis),
  -- 'choice' (a choice among options).
  kind text not null check (kind in ('decision', 'opinion', 'choice')),
  rule text not null,
  outcome text not null,
  question text not null,
  item_title text not null,
  meeting_title text not null,
  meeting_starts_at timestamptz not null,
  result_fr text not null,
  result_en text not null,
  counts jsonb not null,
  winners jsonb,
  electorate_size integer not null,
  participation integer not null,
  secret boolean not null,
  casting_vote jsonb,
  quorum_override_reason text,
  unique (body_id, year, number)
);
create index decisions_body_idx on decisions (body_id, decided_at);

create function decisions_refuse_change() returns trigger language plpgsql as $$
begin
  -- Deleting a whole body, meeting or organisation removes its register by cascade.
  if TG_OP = 'DELETE' and pg_trigger_depth() > 1 then
    return OLD;
  end if;
  raise exception 'decision % is in the register: it cannot be changed', OLD.id using errcode = 'P0001';
end;
$$;

create trigger decisions_immutable before update or delete on decisions
  for each row execute function decisions_refuse_change();
