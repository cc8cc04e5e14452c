-- Issue 5: a group of casts is one INSERT of up to 500 ballots (and opening a vote one INSERT of
-- its whole electorate). "Is this vote closed?" was asked once per row by a row trigger; it is now
-- asked once per statement, over the rows the statement inserted (a transition table). The
-- refusal is the same: error P0001, "vote … is closed: a closed result cannot be changed".
-- Updates and deletes keep their row triggers (vote_rows_refuse_when_closed, 0004).

create function vote_rows_refuse_insert_when_closed() returns trigger language plpgsql as $$
declare
  v uuid;
begin
  select n.vote_id into v from inserted n join votes on votes.id = n.vote_id where votes.status = 'closed' limit 1;
  if found then
    raise exception 'vote % is closed: a closed result cannot be changed (%)', v, TG_TABLE_NAME using errcode = 'P0001';
  end if;
  return null;
end;
$$;

drop trigger vote_electorate_closed_immutable on vote_electorate;
create trigger vote_electorate_closed_immutable before update or delete on vote_electorate
  for each row execute function vote_rows_refuse_when_closed();
create trigger vote_electorate_closed_insert after insert on vote_electorate
  referencing new table as inserted for each statement execute function vote_rows_refuse_insert_when_closed();

drop trigger ballots_closed_immutable on ballots;
create trigger ballots_closed_immutable before update or delete on ballots
  for each row execute function vote_rows_refuse_when_closed();
create trigger ballots_closed_insert after insert on ballots
  referencing new table as inserted for each statement execute function vote_rows_refuse_insert_when_closed();

drop trigger vote_participation_closed_immutable on vote_participation;
create trigger vote_participation_closed_immutable before update or delete on vote_participation
  for each row execute function vote_rows_refuse_when_closed();
create trigger vote_participation_closed_insert after insert on vote_participation
  referencing new table as inserted for each statement execute function vote_rows_refuse_insert_when_closed();

drop trigger secret_ballots_closed_immutable on secret_ballots;
create trigger secret_ballots_closed_immutable before update or delete on secret_ballots
  for each row execute function vote_rows_refuse_when_closed();
create trigger secret_ballots_closed_insert after insert on secret_ballots
  referencing new table as inserted for each statement execute function vote_rows_refuse_insert_when_closed();

-- The audit log records who acted as they were. Its foreign key to users set the actor to null
-- when an account was deleted, which rewrote a hashed field and broke the chain for every later
-- entry (verify-audit then reported tampering). The actor id now stays as written; this also
-- spares one lookup per entry when a group of 500 casts is logged.
alter table meeting_audit drop constraint meeting_audit_actor_user_id_fkey;
