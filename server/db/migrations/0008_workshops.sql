-- Issue 7: world-café workshops attached to a body: tables (question, host, optional criteria
-- grid), participants (members and guests), the rotation plan, the live run (rounds with a
-- server-time timer, pause, extension, broadcast message) and round locks of the tablecloths.
-- Each table's tablecloth is the Yjs document `tablecloth:<table id>` (src/lib/workshops/tablecloth.ts).

create table workshops (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  title text not null check (length(title) between 2 and 200),
  purpose text not null default '' check (length(purpose) <= 4000),
  status text not null default 'draft' check (status in ('draft', 'live', 'closed')),
  round_count integer not null default 3 check (round_count between 1 and 8),
  round_minutes integer not null default 20 check (round_minutes between 1 and 180),
  -- The facilitator's choice: notes signed with the author's name, or anonymous.
  anonymous_notes boolean not null default false,
  plan_seed integer not null default 1,
  -- {"rounds": [{"<participant id>": "<table id>", ...}, ...]}; hosts stay at their table and are not listed.
  plan jsonb,
  plan_edited boolean not null default false,
  -- 0 before the first round.
  current_round integer not null default 0,
  round_started_at timestamptz,
  -- The round's end is round_started_at + round_minutes + extra_seconds + paused_seconds
  -- (+ the time since paused_at while paused): server time, the same for every phone.
  extra_seconds integer not null default 0,
  paused_seconds integer not null default 0,
  paused_at timestamptz,
  message text check (message is null or length(message) <= 300),
  message_at timestamptz,
  guest_code_id uuid references guest_codes (id) on delete set null,
  rev bigint not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index workshops_body_idx on workshops (body_id, created_at);

create table workshop_participants (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references workshops (id) on delete cascade,
  person_id uuid references people (id) on delete cascade,
  guest_id uuid references guests (id) on delete cascade,
  display_name text not null check (length(display_name) between 1 and 200),
  college text not null default 'other' check (college in ('landlord', 'tenant', 'other')),
  present boolean not null default true,
  joined_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  check ((person_id is null) <> (guest_id is null))
);
create unique index workshop_participants_person_unique on workshop_participants (workshop_id, person_id) where person_id is not null;
create unique index workshop_participants_guest_unique on workshop_participants (workshop_id, guest_id) where guest_id is not null;

create table workshop_tables (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references workshops (id) on delete cascade,
  position integer not null,
  name text not null check (length(name) between 1 and 120),
  question text not null default '' check (length(question) <= 1000),
  -- The host stays at the table every round: a participant of the workshop (a person or a guest).
  host_participant_id uuid references workshop_participants (id) on delete set null,
  -- {"rows": ["Critère", ...], "columns": ["Financement", ...]} or null.
  grid jsonb,
  created_at timestamptz not null default now()
);
create index workshop_tables_workshop_idx on workshop_tables (workshop_id, position);
create unique index workshop_tables_host_unique on workshop_tables (host_participant_id) where host_participant_id is not null;

-- A host (or the facilitator) closed a round's notes on a table's tablecloth.
create table workshop_round_locks (
  table_id uuid not null references workshop_tables (id) on delete cascade,
  round integer not null check (round between 1 and 8),
  locked_by_participant_id uuid references workshop_participants (id) on delete set null,
  locked_by_user_id uuid references users (id) on delete set null,
  at timestamptz not null default now(),
  primary key (table_id, round)
);
