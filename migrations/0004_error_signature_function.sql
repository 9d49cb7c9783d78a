-- The error signature of an incident: its first exception class (fully qualified when
-- written so), else its first well-known error code. One SQL function, so the generated
-- column and the search query can never disagree about it.
CREATE OR REPLACE FUNCTION incident_error_signature(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT lower(coalesce(
    substring(left(body, 50000) from '((?:[A-Za-z_][A-Za-z0-9_$]*\.)*[A-Z][A-Za-z0-9_$]*(?:Exception|Error))\M'),
    substring(left(body, 50000) from '\m(E(?:CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH|PIPE|NOSPC|ADDRINUSE|MFILE|NOMEM|AI_AGAIN)|OOMKilled|CrashLoopBackOff|ImagePullBackOff|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED|SIGSEGV|SIGKILL)\M')
  ))
$$;
