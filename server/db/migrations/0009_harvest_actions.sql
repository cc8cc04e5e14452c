-- Issue 7: a body's action plan (followed up by later meetings), and the world-café harvest
-- (ideas gathered from the tablecloths, themes, dot voting). Dots are server-authoritative rows,
-- never Yjs entries.

-- Action plan ----------------------------------------------------------------------------------

create table actions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  title text not null check (length(title) between 2 and 200),
  description text not null default '' check (length(description) <= 4000),
  -- The owner is a person of the organisation, or free text ("Service travaux"), or nobody yet.
  owner_person_id uuid references people (id) on delete set null,
  owner_text text check (owner_text is null or length(owner_text) between 1 and 200),
  -- The year the action is planned for (seed 002: "actions possibles en 2025 / 2026").
  horizon integer check (horizon is null or horizon between 2000 and 2100),
  status text not null default 'a_etudier' check (status in ('validee', 'en_cours', 'a_etudier')),
  source_kind text not null default 'manual' check (source_kind in ('manual', 'workshop', 'meeting', 'decision')),
  source_workshop_id uuid,
  source_idea_id uuid,
  source_meeting_id uuid references meetings (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index actions_body_idx on actions (body_id, horizon, status);
-- One idea becomes at most one action: "make it an action" twice is the same action.
create unique index actions_source_idea_unique on actions (source_idea_id) where source_idea_id is not null;
create index actions_source_workshop_idx on actions (source_workshop_id) where source_workshop_id is not null;

-- History of status changes (the first row is the creation, from_status null).
create table action_status_changes (
  id bigserial primary key,
  action_id uuid not null references actions (id) on delete cascade,
  from_status text,
  to_status text not null,
  changed_by uuid references users (id) on delete set null,
  at timestamptz not null default now()
);
create index action_status_changes_action_idx on action_status_changes (action_id, id);

alter table actions add constraint actions_source_workshop_fk foreign key (source_workshop_id) references workshops (id) on delete set null;

-- Harvest ----------------------------------------------------------------------------------------

-- One harvest per workshop: its settings, phase and revision (bumped by every change, so a
-- client keeps the newest state it received).
create table harvests (
  workshop_id uuid primary key references workshops (id) on delete cascade,
  phase text not null default 'grouping' check (phase in ('grouping', 'voting', 'closed')),
  dots_per_person integer not null default 5 check (dots_per_person between 1 and 20),
  allow_stacking boolean not null default true,
  results_mode text not null default 'live' check (results_mode in ('live', 'hidden')),
  gathered_at timestamptz,
  rev bigint not null default 0,
  created_at timestamptz not null default now()
);

create table harvest_themes (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references harvests (workshop_id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  position integer not null default 0,
  created_at timestamptz not null default now()
);
create index harvest_themes_workshop_idx on harvest_themes (workshop_id, position);

-- A note of a tablecloth, copied once onto the board (re-gathering adds only new notes).
create table harvest_ideas (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references harvests (workshop_id) on delete cascade,
  table_id uuid not null references workshop_tables (id) on delete cascade,
  round integer not null,
  source_note_id text not null,
  text text not null check (length(text) between 1 and 1000),
  author_name text,
  colour text not null default 'yellow',
  theme_id uuid references harvest_themes (id) on delete set null,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  unique (table_id, source_note_id)
);
create index harvest_ideas_workshop_idx on harvest_ideas (workshop_id, theme_id, position);

alter table actions add constraint actions_source_idea_fk foreign key (source_idea_id) references harvest_ideas (id) on delete set null;

-- Who takes part in the vote (a member's user id or a guest's id) and how many dots they used.
-- The check is the limit: two concurrent dots of one voter are serialised by this row's lock,
-- and the second beyond the limit violates the check and is refused.
create table harvest_voters (
  workshop_id uuid not null references harvests (workshop_id) on delete cascade,
  voter_key text not null check (voter_key ~ '^(user|guest):[0-9a-f-]{36}$'),
  display_name text not null,
  dots_allowed integer not null check (dots_allowed between 1 and 20),
  dots_used integer not null default 0,
  joined_at timestamptz not null default now(),
  primary key (workshop_id, voter_key),
  constraint harvest_voters_dot_limit check (dots_used between 0 and dots_allowed)
);

create table harvest_dots (
  id bigserial primary key,
  workshop_id uuid not null,
  idea_id uuid not null references harvest_ideas (id) on delete cascade,
  voter_key text not null,
  created_at timestamptz not null default now(),
  foreign key (workshop_id, voter_key) references harvest_voters (workshop_id, voter_key) on delete cascade
);
create index harvest_dots_idea_idx on harvest_dots (idea_id);
create index harvest_dots_voter_idx on harvest_dots (workshop_id, voter_key);

-- A dot deleted by a cascade (its idea went with a removed table) gives the dot back to its voter;
-- taking a dot back (server/harvest/harvest.service.ts) updates the count itself. A before-trigger
-- of a cascade runs inside the foreign key's trigger, hence pg_trigger_depth() > 1 (an after-trigger
-- would fire at depth 1 once the outer statement ends, like a direct delete).
create function harvest_dots_give_back() returns trigger language plpgsql as $$
begin
  if pg_trigger_depth() > 1 then
    update harvest_voters set dots_used = dots_used - 1
     where workshop_id = old.workshop_id and voter_key = old.voter_key and dots_used > 0;
  end if;
  return old;
end
$$;
create trigger harvest_dots_give_back before delete on harvest_dots for each row execute function harvest_dots_give_back();
