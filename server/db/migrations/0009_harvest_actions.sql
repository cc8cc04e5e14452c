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
