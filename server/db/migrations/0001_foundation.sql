-- Foundation: organisations, accounts, sessions, people, bodies, memberships, invitations,
-- guest access, rate limits, audit, and the Yjs update log.

create table organisations (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 2 and 200),
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text not null,
  password_hash text,
  locale text not null default 'fr' check (locale in ('fr', 'en')),
  is_platform_admin boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

-- Sessions by the Lucia guide: the cookie holds "<id>.<secret>"; only the SHA-256 of the
-- secret is stored and it is compared in constant time.
create table sessions (
  id text primary key,
  secret_hash text not null,
  user_id uuid not null references users (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  user_agent text
);
create index sessions_user_idx on sessions (user_id);

create table api_tokens (
  id text primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  secret_hash text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- A person is someone an organisation knows (a tenant representative, a staff member); an
-- account (users) is attached once they accept an invitation.
create table people (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  full_name text not null check (length(full_name) between 1 and 200),
  email text,
  phone text,
  user_id uuid references users (id) on delete set null,
  org_role text not null default 'member' check (org_role in ('admin', 'member')),
  created_at timestamptz not null default now()
);
create unique index people_org_email_key on people (organisation_id, lower(email)) where email is not null;
create unique index people_org_user_key on people (organisation_id, user_id) where user_id is not null;

create table bodies (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  parent_id uuid references bodies (id) on delete restrict,
  kind text not null check (kind in ('ccl', 'ccl_local', 'working_group', 'board', 'workshop_group', 'other')),
  name text not null check (length(name) between 2 and 200),
  description text not null default '',
  created_at timestamptz not null default now(),
  archived_at timestamptz
);
create index bodies_org_idx on bodies (organisation_id);

create table memberships (
  id uuid primary key default gen_random_uuid(),
  body_id uuid not null references bodies (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  role text not null check (role in ('admin', 'secretary', 'chair', 'member', 'observer')),
  college text not null check (college in ('landlord', 'tenant', 'other')),
  affiliation text not null default 'none'
    check (affiliation in ('afoc', 'cgl', 'clcv', 'cnl', 'csf', 'other_association', 'none')),
  affiliation_name text,
  voting_right boolean not null default true,
  mandate_start date,
  mandate_end date,
  created_at timestamptz not null default now(),
  unique (body_id, person_id),
  check (mandate_end is null or mandate_start is null or mandate_end >= mandate_start)
);
create index memberships_person_idx on memberships (person_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  token_id text not null unique,
  secret_hash text not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz
);
create index invitations_person_idx on invitations (person_id);

-- A code that lets someone without an account join one public session (a workshop) under a
-- display name. target_kind/target_id name what the code opens; the workshop issue uses it.
create table guest_codes (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  target_kind text not null check (target_kind in ('workshop', 'meeting', 'body')),
  target_id uuid not null,
  code text not null unique,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create table guests (
  id uuid primary key default gen_random_uuid(),
  guest_code_id uuid not null references guest_codes (id) on delete cascade,
  display_name text not null check (length(display_name) between 1 and 60),
  session_id text not null unique,
  secret_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

-- Fixed-window counters for login rate limiting, shared by every instance.
create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  count integer not null
);

create table audit_events (
  id bigserial primary key,
  organisation_id uuid references organisations (id) on delete cascade,
  actor_user_id uuid references users (id) on delete set null,
  action text not null,
  subject_id uuid,
  data jsonb not null default '{}',
  at timestamptz not null default now()
);
create index audit_events_org_idx on audit_events (organisation_id, at);

-- Co-edited documents: an append-only log of Yjs updates per document, compacted by
-- inserting the merged update and deleting the rows it covers in one transaction.
create table yjs_updates (
  id bigserial primary key,
  doc text not null,
  update bytea not null,
  created_at timestamptz not null default now()
);
create index yjs_updates_doc_idx on yjs_updates (doc, id);
