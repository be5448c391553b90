#include "broker_node/maintenance/presence_writer.hpp"

#include "broker_node/sessions/presence_book.hpp"

namespace brokkr::broker {

duty make_presence_writer(std::shared_ptr<presence_book> book, std::chrono::milliseconds interval) {
  duty d{"presence_writer", interval,
         [book](persistence::repositories& r) -> persistence::db_result<duty_result> {
           // Marks of a failed write are not put back: an open session is marked again next time,
           // and a polling agent polls again.
           const auto marks = book->drain();
           auto written = r.agents.record_presence(marks);
           if (!written) return unexpected(written.error());
           return duty_result{*written, std::to_string(*written) + " agents' presence written", {}};
         },
         {}};
  d.quiet = true;  // it writes every interval by design: nothing worth a log line
  return d;
}

}  // namespace brokkr::broker
