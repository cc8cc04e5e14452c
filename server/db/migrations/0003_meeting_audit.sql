-- Per-meeting audit log of vote actions, hash-chained: each entry's hash covers the previous
-- entry's hash, so changing, removing or reordering any entry breaks every hash after it.
create table meeting_audit (
  meeting_id uuid not null references meetings (id) on delete cascade,
  seq integer not null,
  at timestamptz not null default clock_timestamp(),
  actor_user_id uuid references users (id) on delete set null,
  type text not null,
  data jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  primary key (meeting_id, seq)
);
