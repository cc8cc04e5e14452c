-- Minutes (compte rendu), one per meeting: the text itself is the co-edited Yjs document
-- `minutes:<meeting id>`; these rows hold what is not text: the status (draft, submitted,
-- approved, published), the facts taken from the meeting record when the draft was generated
-- (to warn when the text contradicts them), the votes of later meetings that approve them, and
-- every status change.

create table minutes (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null unique references meetings (id) on delete cascade,
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  status text not null default 'draft' check (status in ('draft', 'submitted', 'approved', 'published')),
  -- [{ "id", "kind", "label", "text" }] from the latest generation: the text must contain each `text`.
  facts jsonb not null default '[]',
  generations integer not null default 0 check (generations >= 0),
  generated_at timestamptz,
  generated_by uuid references users (id) on delete set null,
  -- A generation in progress (a lease, so two clicks never write the draft twice).
  generating_since timestamptz,
  -- The text as submitted for approval: what the approving vote adopts, what is published and exported.
  content jsonb,
  submitted_at timestamptz,
  approved_at timestamptz,
  approved_by_vote_id uuid references votes (id) on delete set null,
  published_at timestamptz,
  created_at timestamptz not null default now()
);
create index minutes_body_idx on minutes (body_id);

-- A vote at a later meeting that approves these minutes (adopted: the minutes are approved).
create table minutes_approvals (
  minutes_id uuid not null references minutes (id) on delete cascade,
  vote_id uuid not null unique references votes (id) on delete cascade,
  linked_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (minutes_id, vote_id)
);

create table minutes_transitions (
  id bigserial primary key,
  minutes_id uuid not null references minutes (id) on delete cascade,
  from_status text not null,
  to_status text not null,
  actor_user_id uuid references users (id) on delete set null,
  vote_id uuid references votes (id) on delete set null,
  at timestamptz not null default now()
);
create index minutes_transitions_idx on minutes_transitions (minutes_id, id);
