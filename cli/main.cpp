// brokkr: the command-line client of the broker's HTTP API (docs/cli.md; `brokkr --help`).
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  return brokkr::cli::run_cli(args, brokkr::config::process_env(), {std::cin, std::cout, std::cerr});
}
