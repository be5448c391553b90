#pragma once
// The report of a finished BuildRun: outcome, reason, message and result_details (digest, size,
// commit, vulnerabilities, failure location, log tail). Pure, so every case is unit-tested.
#include <string>

#include "actors/wire.hpp"
#include "k8s/shipwright_outcome.hpp"
#include "k8s/shipwright_status.hpp"

namespace brokkr::agent {

struct build_report_input {
  std::string namespace_name;
  std::string build_name;
  std::string buildrun_name;
  int attempt = 0;
  int retry_count = 0;  // of the item before this run: caps the "small budget" retry causes
  k8s::shipwright::buildrun_status status;
  k8s::shipwright::buildrun_outcome outcome;
  std::string log_container;
  std::string log_tail;
  std::string output_image;  // the Build's spec.output.image, e.g. "registry.example.com/app:1"
};

// "image@sha256:..." (what to deploy: the digest pins what was built), or "" without either part.
std::string pinned_image(const std::string& image, const std::string& digest);

// The report of the run (work_id left to the caller).
completion_report build_completion(const build_report_input& in);

// The work outcome for a disposition (running has none).
work_outcome outcome_of(k8s::shipwright::disposition d, int retry_limit, int retry_count);

}  // namespace brokkr::agent
