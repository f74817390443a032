-- The user directory. Handles and emails are unique case-insensitively (unique indexes on
-- lower()), and returned as stored; cognito_user_id is the Cognito `sub`, null until known.
create table users (
  uuid uuid primary key default gen_random_uuid(),
  display_name text not null,
  handle text not null,
  email text not null,
  cognito_user_id text unique,
  created_at timestamptz not null default now(),
  constraint users_handle_not_blank check (length(trim(handle)) > 0),
  constraint users_email_not_blank check (length(trim(email)) > 0)
);

create unique index users_handle_lower_key on users (lower(handle));
create unique index users_email_lower_key on users (lower(email));
