#pragma once
// The seed's two tables exactly as the seed declares them (its work table with its five indexes and
// updated_at trigger, its target table with its keys and two indexes), under a prefix, for the
// benchmarks' floors that must cost what the seed itself costs (ADR 0068). One definition, so that
// bench_queue's required writes and bench_scale's wide-submit floor measure the same schema.
#include <string>

namespace brokkr::bench {

// `<prefix>work` and `<prefix>targets`; with `target_keys` false the target table has no foreign
// keys (what the seed's two per-row checks cost). `agents` is the project's own agent table.
inline std::string seed_tables(const std::string& prefix, bool target_keys = true) {
  const std::string work = prefix + "work", targets = prefix + "targets";
  return "CREATE TABLE " + work + " (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
         " created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
         " deleted_at TIMESTAMPTZ, work_type VARCHAR(50) NOT NULL, crd_spec TEXT NOT NULL,"
         " status VARCHAR(50) NOT NULL DEFAULT 'PENDING', claimed_by UUID REFERENCES agents(id),"
         " claimed_at TIMESTAMPTZ, completed_at TIMESTAMPTZ, retry_count INTEGER NOT NULL DEFAULT 0,"
         " max_retries INTEGER NOT NULL DEFAULT 3, claim_timeout_seconds INTEGER NOT NULL DEFAULT 3600,"
         " next_retry_after TIMESTAMPTZ, result_message TEXT, ttl_seconds INTEGER NOT NULL DEFAULT 3600);"
         "CREATE INDEX ON " + work + " (status); CREATE INDEX ON " + work + " (work_type);"
         "CREATE INDEX ON " + work + " (claimed_by);"
         "CREATE INDEX ON " + work + " (next_retry_after) WHERE status = 'PENDING' AND next_retry_after IS NOT NULL;"
         "CREATE INDEX ON " + work + " (completed_at, ttl_seconds) WHERE deleted_at IS NULL AND completed_at IS NOT NULL;"
         "CREATE FUNCTION " + work + "_touch() RETURNS trigger AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END; $$"
         " LANGUAGE plpgsql;"
         "CREATE TRIGGER " + work + "_touch BEFORE UPDATE ON " + work + " FOR EACH ROW EXECUTE FUNCTION " + work +
         "_touch();"
         "CREATE TABLE " + targets + " (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
         " work_id UUID NOT NULL" + (target_keys ? " REFERENCES " + work + "(id) ON DELETE CASCADE" : std::string()) +
         ", agent_id UUID NOT NULL" + (target_keys ? " REFERENCES agents(id) ON DELETE CASCADE" : std::string()) +
         ", UNIQUE (work_id, agent_id));"
         "CREATE INDEX ON " + targets + " (work_id); CREATE INDEX ON " + targets + " (agent_id)";
}

}  // namespace brokkr::bench
