#pragma once
// Exit codes of `brokkr`: the contract scripts rely on (docs/cli.md, "Exit codes"). Append new codes;
// never renumber one that has shipped.
namespace brokkr::cli::exit_code {

inline constexpr int success = 0;        // the command did what it says; with --wait: work COMPLETED
inline constexpr int api_error = 1;      // the broker answered 4xx/5xx (other than below), e.g. 409, 422, 503
inline constexpr int usage = 2;          // bad flags or arguments, unreadable file or key file: nothing was sent
inline constexpr int work_failed = 3;    // with --wait: the work ended FAILED_PERMANENT
inline constexpr int work_canceled = 4;  // with --wait: the work ended CANCELED
inline constexpr int unreachable = 5;    // no HTTP answer: refused, DNS, TLS, timeout, connection lost
inline constexpr int auth = 6;           // 401 (missing, unknown or revoked key) or 403 (key lacks the right)
inline constexpr int not_found = 7;      // 404: no such work item or agent

}  // namespace brokkr::cli::exit_code
