-- Hybrid council meetings: settings per body, meetings and their transitions, the shared agenda
-- (with proposals and attachments), attendance and proxies, the speaking queue, the per-meeting
-- event log the minutes draw on, and in-app notifications.

alter table bodies
  add column quorum_rule jsonb not null default '{"kind":"majority"}',
  add column proxy_rule jsonb not null default '{"maxPerHolder":1,"sameCollege":true,"holderMustHaveVotingRight":true}';

create table meetings (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  title text not null check (length(title) between 2 and 200),
  starts_at timestamptz not null,
  place text not null default '',
  video_url text,
  status text not null default 'draft' check (status in ('draft', 'convened', 'live', 'closed')),
  checkin_code text not null default substr(replace(gen_random_uuid()::text, '-', ''), 1, 16),
  current_item_id uuid,
  current_item_started_at timestamptz,
  queue_open boolean not null default false,
  rev bigint not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index meetings_body_idx on meetings (body_id, starts_at);

create table meeting_transitions (
  id bigserial primary key,
  meeting_id uuid not null references meetings (id) on delete cascade,
  from_status text not null,
  to_status text not null,
  actor_user_id uuid references users (id) on delete set null,
  at timestamptz not null default now()
);

create table agenda_items (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings (id) on delete cascade,
  parent_id uuid references agenda_items (id) on delete cascade,
  position text not null,
  title text not null check (length(title) between 1 and 300),
  kind text not null default 'information' check (kind in ('information', 'consultation', 'decision')),
  presenter text not null default '',
  planned_minutes integer not null default 10 check (planned_minutes between 0 and 600),
  description text not null default '',
  notes text not null default '',
  status text not null default 'accepted' check (status in ('proposed', 'accepted', 'declined')),
  proposed_by uuid references people (id) on delete set null,
  decision_reason text,
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  spent_seconds integer not null default 0,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index agenda_items_meeting_idx on agenda_items (meeting_id, position);

alter table meetings add constraint meetings_current_item_fk foreign key (current_item_id) references agenda_items (id) on delete set null;

create table agenda_attachments (
  id uuid primary key default gen_random_uuid(),
  item_id uuid not null references agenda_items (id) on delete cascade,
  filename text not null check (length(filename) between 1 and 200),
  mime_type text not null check (mime_type in ('application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  size_bytes integer not null check (size_bytes between 1 and 10485760),
  data bytea not null,
  uploaded_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index agenda_attachments_item_idx on agenda_attachments (item_id);

create table attendance (
  meeting_id uuid not null references meetings (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  status text not null check (status in ('present_room', 'present_remote', 'excused', 'absent', 'represented')),
  proxy_holder_id uuid references people (id) on delete set null,
  arrived_at timestamptz,
  departed_at timestamptz,
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, person_id),
  check ((status = 'represented') = (proxy_holder_id is not null))
);

create table speaking_requests (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings (id) on delete cascade,
  item_id uuid not null references agenda_items (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  source text not null check (source in ('room', 'remote')),
  requested_at timestamptz not null default clock_timestamp(),
  withdrawn_at timestamptz,
  granted_at timestamptz,
  ended_at timestamptz,
  recorded_by uuid references users (id) on delete set null
);
-- One open request per person per item.
create unique index speaking_requests_open_key on speaking_requests (item_id, person_id)
  where withdrawn_at is null and ended_at is null;
create index speaking_requests_meeting_idx on speaking_requests (meeting_id, item_id);

create table meeting_events (
  id bigserial primary key,
  meeting_id uuid not null references meetings (id) on delete cascade,
  at timestamptz not null default clock_timestamp(),
  actor_user_id uuid references users (id) on delete set null,
  type text not null,
  data jsonb not null default '{}'
);
create index meeting_events_meeting_idx on meeting_events (meeting_id, id);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  kind text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_person_idx on notifications (person_id, created_at desc);
