-- Charters: any co-written text of a body (charte de bon voisinage, the PCL, working-group notes).
-- The living text is the Yjs document `charter:<id>` (yjs_updates); what is kept for the record
-- is here: the status and each change of it, named versions (immutable snapshots), the vote that
-- adopts one version, and the signatures on the adopted version.

create table charters (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  body_id uuid not null references bodies (id) on delete cascade,
  title text not null check (length(title) between 2 and 200),
  kind text not null default 'charter' check (kind in ('charter', 'pcl', 'notes', 'other')),
  status text not null default 'draft' check (status in ('draft', 'in_review', 'adopted', 'signed', 'published')),
  -- Set together, once, when the adoption vote closes adopted.
  adopted_version_id uuid,
  adopted_vote_id uuid references votes (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status in ('draft', 'in_review')) = (adopted_version_id is null))
);
create index charters_body_idx on charters (body_id, created_at);

-- Every status change: who (null when the system did it, e.g. on the adoption vote), when, and
-- the vote when a vote caused it.
create table charter_status_changes (
  id bigserial primary key,
  charter_id uuid not null references charters (id) on delete cascade,
  from_status text,
  to_status text not null,
  changed_by uuid references users (id) on delete set null,
  vote_id uuid references votes (id) on delete set null,
  at timestamptz not null default now()
);
create index charter_status_changes_idx on charter_status_changes (charter_id, id);

-- Named versions: the Yjs state (to restore or re-render exactly) and the ProseMirror JSON (to
-- compare, export and read without Yjs). Never changed once written (trigger below).
create table charter_versions (
  id uuid primary key default gen_random_uuid(),
  charter_id uuid not null references charters (id) on delete cascade,
  number integer not null check (number >= 1),
  name text not null check (length(name) between 2 and 200),
  y_update bytea not null,
  content jsonb not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (charter_id, number)
);

alter table charters add constraint charters_adopted_version_fk foreign key (adopted_version_id) references charter_versions (id);

-- The votes that put one named version to adoption (a rejected vote may be followed by another
-- on the same or a later version; a vote adopts at most one version).
create table charter_adoptions (
  vote_id uuid primary key references votes (id) on delete cascade,
  version_id uuid not null references charter_versions (id) on delete cascade,
  linked_by uuid references users (id) on delete set null,
  linked_at timestamptz not null default now()
);
create index charter_adoptions_version_idx on charter_adoptions (version_id);

-- Signatures by the parties' representatives, on the adopted version only (checked by the
-- service and again here).
create table charter_signatures (
  id uuid primary key default gen_random_uuid(),
  charter_id uuid not null references charters (id) on delete cascade,
  version_id uuid not null references charter_versions (id) on delete cascade,
  signer_name text not null check (length(signer_name) between 2 and 200),
  signer_role text not null check (length(signer_role) between 2 and 200),
  signer_organisation text not null check (length(signer_organisation) between 2 and 200),
  recorded_by uuid references users (id) on delete set null,
  signed_at timestamptz not null default now()
);
create unique index charter_signatures_once_idx on charter_signatures (version_id, lower(signer_name), lower(signer_organisation));

-- Where there is no meeting to hold the record (see the service), charter events are kept here.
create table charter_audit (
  id bigserial primary key,
  charter_id uuid not null references charters (id) on delete cascade,
  at timestamptz not null default now(),
  actor_user_id uuid references users (id) on delete set null,
  type text not null,
  data jsonb not null default '{}'
);

-- A named version is a record: no update, and no delete except by cascade from its charter
-- (pg_trigger_depth() > 1: the delete comes from a foreign key, not a statement on this table).
-- `created_by` may still become null when the account is deleted.
create function charter_versions_refuse_change() returns trigger language plpgsql as $$
begin
  if TG_OP = 'DELETE' and pg_trigger_depth() > 1 then
    return OLD;
  end if;
  if TG_OP = 'UPDATE' and NEW.created_by is null and (to_jsonb(NEW) - 'created_by') = (to_jsonb(OLD) - 'created_by') then
    return NEW;
  end if;
  raise exception 'charter version % is immutable', OLD.id using errcode = 'P0001';
end;
$$;

create trigger charter_versions_immutable before update or delete on charter_versions
  for each row execute function charter_versions_refuse_change();

create function charter_signatures_adopted_only() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from charters where id = NEW.charter_id and adopted_version_id = NEW.version_id) then
    raise exception 'only the adopted version of a charter can be signed' using errcode = 'P0001';
  end if;
  return NEW;
end;
$$;

create trigger charter_signatures_adopted before insert on charter_signatures
  for each row execute function charter_signatures_adopted_only();
