#pragma once
// Runs a batch statement until a batch comes back short or the run's batch budget is spent.
#include "persistence/db_error.hpp"

namespace brokkr::broker {

template <class Step>
persistence::db_result<size_t> run_batches(int batch, int max_batches, Step step) {
  size_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    auto n = step(batch);
    if (!n) return unexpected(n.error());
    total += n->size();
    if (static_cast<int>(n->size()) < batch) break;
  }
  return total;
}

}  // namespace brokkr::broker
