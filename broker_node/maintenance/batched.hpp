#pragma once
// Runs a batch statement until a batch comes back short or the run's batch budget is spent.
#include "persistence/db_error.hpp"

namespace brokkr::broker {

struct batch_run {
  size_t rows = 0;
  bool more = false;  // stopped on the budget with the last batch full: there may be more to do now
};

template <class Step>
persistence::db_result<batch_run> run_batches(int batch, int max_batches, Step step) {
  batch_run out;
  for (int i = 0; i < max_batches; ++i) {
    auto n = step(batch);
    if (!n) return unexpected(n.error());
    out.rows += n->size();
    if (static_cast<int>(n->size()) < batch) return out;
  }
  out.more = max_batches > 0;
  return out;
}

}  // namespace brokkr::broker
