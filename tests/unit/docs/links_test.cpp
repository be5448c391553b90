// The documentation points only at things that exist: relative links name files (and headings) in
// this repository, every `--flag` it shows is one of a real program, and no citation leads to a
// file outside the repository. Part of unit_docs_config (the module is defined in config_doc_test.cpp).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent_node/agent_config.hpp"
#include "broker_node/broker_config.hpp"
#include "cli/command_spec.hpp"
#include "cli/global_options.hpp"
#include "common/program.hpp"
#include "tests/unit/docs/source_tree.hpp"

namespace fs = std::filesystem;

namespace {

using brokkr::docs_test::read_text;

const fs::path& root() { return brokkr::docs_test::source_root(); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string trim_left(const std::string& s) {
  const auto at = s.find_first_not_of(" \t");
  return at == std::string::npos ? std::string() : s.substr(at);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// One line of a Markdown file, with where it stands: inside a fenced block (and the block's
// language) or in prose.
struct md_line {
  size_t number = 0;
  std::string text;
  bool fenced = false;
  std::string lang;
  size_t block = 0;  // which fenced block, counted from 1
};

std::vector<md_line> markdown(const std::string& text) {
  std::vector<md_line> out;
  bool fenced = false;
  std::string lang;
  size_t n = 0, block = 0;
  for (const auto& line : lines_of(text)) {
    ++n;
    const auto t = trim_left(line);
    // Fences may be indented (a block inside a list item); the fence lines themselves are neither.
    if (starts_with(t, "```")) {
      fenced = !fenced;
      lang = fenced ? t.substr(3) : std::string();
      if (fenced) ++block;
      continue;
    }
    out.push_back({n, line, fenced, lang, fenced ? block : 0});
  }
  return out;
}

// The prose of a line and its inline code spans, apart.
struct split_line {
  std::string prose;
  std::vector<std::string> spans;
};

split_line split_code(const std::string& line) {
  split_line out;
  std::string current;
  bool in_span = false;
  for (const char c : line) {
    if (c != '`') {
      current += c;
      continue;
    }
    if (in_span) out.spans.push_back(current);
    else out.prose += current;
    current.clear();
    in_span = !in_span;
  }
  // An unclosed backtick is literal text, not a span.
  out.prose += (in_span ? "`" : "") + current;
  return out;
}

std::string rel(const fs::path& p) { return p.lexically_relative(root()).generic_string(); }

// README.md and every Markdown file under docs/, in a stable order.
std::vector<fs::path> markdown_files() {
  std::vector<fs::path> files{root() / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(root() / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin() + 1, files.end());
  return files;
}

// The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-', a repeated
// heading numbered. Non-ASCII bytes are dropped too (our headings use them only in punctuation).
std::set<std::string> anchors_of(const fs::path& file) {
  std::set<std::string> out;
  std::map<std::string, int> seen;
  for (const auto& l : markdown(read_text(file))) {
    if (l.fenced || !starts_with(l.text, "#")) continue;
    const auto hashes = l.text.find_first_not_of('#');
    if (hashes == std::string::npos || hashes > 6 || l.text[hashes] != ' ') continue;
    std::string slug;
    for (const unsigned char c : l.text.substr(hashes + 1)) {
      if (std::isalnum(c)) slug += static_cast<char>(std::tolower(c));
      else if (c == ' ' || c == '-') slug += '-';
      else if (c == '_') slug += '_';
    }
    const int n = seen[slug]++;
    out.insert(n == 0 ? slug : slug + "-" + std::to_string(n));
  }
  return out;
}

struct link {
  size_t line;
  std::string target;
};

// [text](target) and [text](target "title") in prose; links inside code are examples, not links.
std::vector<link> links_in(const std::string& text, bool is_markdown) {
  std::vector<link> out;
  std::vector<md_line> lines;
  if (is_markdown) {
    lines = markdown(text);
  } else {
    size_t n = 0;
    for (const auto& l : lines_of(text)) lines.push_back({++n, l, false, "", 0});
  }
  for (const auto& l : lines) {
    if (l.fenced) continue;
    const auto prose = split_code(l.text).prose;
    for (auto at = prose.find("]("); at != std::string::npos; at = prose.find("](", at + 2)) {
      const auto start = at + 2;
      auto end = start;
      while (end < prose.size() && prose[end] != ')' && !std::isspace(static_cast<unsigned char>(prose[end]))) ++end;
      if (end == prose.size() || end == start) continue;
      out.push_back({l.number, prose.substr(start, end - start)});
    }
  }
  return out;
}

bool is_external(const std::string& target) {
  return starts_with(target, "http://") || starts_with(target, "https://") || starts_with(target, "mailto:");
}

// --- flags --------------------------------------------------------------------------------------

using flag_set = std::set<std::string>;

// --help, --version and --config come with every brokkr::config::parser.
const flag_set parser_builtins = {"--help", "--version", "--config"};

flag_set flags_of(const std::vector<brokkr::config::option>& options) {
  flag_set out = parser_builtins;
  for (const auto& o : options) out.insert("--" + o.name);
  return out;
}

bool flag_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

struct flag_at {
  size_t pos;
  std::string name;
};

// Every `--name` in text that is not part of a longer word ("a--b" is not a flag; "--x=1" is --x).
std::vector<flag_at> flags_in(const std::string& text) {
  std::vector<flag_at> out;
  for (auto at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    if (at > 0 && (flag_char(text[at - 1]) || text[at - 1] == '_')) continue;
    if (at + 2 >= text.size() || !std::islower(static_cast<unsigned char>(text[at + 2]))) continue;
    auto end = at + 2;
    while (end < text.size() && flag_char(text[end])) ++end;
    std::string name = text.substr(at, end - at);
    while (name.back() == '-') name.pop_back();
    out.push_back({at, name});
  }
  return out;
}

// The flags an executable's main() adds to its parser itself. Those parsers live in main() of
// programs this test cannot link, so their option names are read from the source: each is added as
// `.name = "..."`, and the log options by program::add_log_options.
flag_set flags_declared_in(const std::string& source_file) {
  const auto text = read_text(root() / source_file);
  flag_set out = parser_builtins;
  const std::string marker = ".name = \"";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const auto start = at + marker.size();
    out.insert("--" + text.substr(start, text.find('"', start) - start));
  }
  if (text.find("add_log_options(") != std::string::npos) {
    brokkr::config::parser scratch("scratch", "");
    brokkr::program::add_log_options(scratch);
    for (const auto& f : flags_of(scratch.options())) out.insert(f);
  }
  return out;
}

// What a script (or the program it hands its arguments to) compares its arguments with: bash case
// labels (`--release)`, `-h|--help)`) and equality tests (`== --keep`, `a == "--seconds"`).
flag_set flags_compared_in(const fs::path& file) {
  flag_set out;
  for (const auto& line : lines_of(read_text(file))) {
    for (const auto& f : flags_in(line)) {
      const auto after = f.pos + f.name.size();
      const bool case_label = after < line.size() && (line[after] == ')' || line[after] == '|');
      const auto before = f.pos == 0 ? std::string::npos : line.find_last_not_of(" \"", f.pos - 1);
      const bool compared = before != std::string::npos && before >= 1 && line.compare(before - 1, 2, "==") == 0;
      if (case_label || compared) out.insert(f.name);
    }
  }
  return out;
}

struct cli_command {
  std::string group, verb;
  flag_set flags;
};

// Flags that belong to other tools, named in inline code without a command line that says whose
// they are. Every entry is a flag those tools really have; add one only for such a mention.
const std::map<std::string, std::string> other_tools = {
    {"--install", "cmake --install (README.md, docs/deployment.md)"},
    {"--from-literal", "kubectl create secret generic (docs/deployment.md)"},
    {"--coverage", "gcc, the instrumented build of scripts/coverage (docs/testing.md)"},
};

class flag_catalog {
 public:
  flag_catalog() {
    programs_["brokkr-broker"] = flags_of(brokkr::broker::broker_options().options());
    for (const auto& f : flags_declared_in("broker_node/main.cpp")) programs_["brokkr-broker"].insert(f);
    programs_["brokkr-agent"] = flags_of(brokkr::agent::agent_options().options());
    for (const auto& f : flags_declared_in("agent_node/main.cpp")) programs_["brokkr-agent"].insert(f);
    programs_["brokkr-sim-cluster"] = flags_declared_in("k8s/sim/main.cpp");
    programs_["brokkr-example-submit"] = flags_declared_in("examples/submit_and_watch.cpp");
    for (const auto& e : fs::directory_iterator(root() / "scripts"))
      if (e.is_regular_file()) programs_["scripts/" + e.path().filename().string()] = flags_compared_in(e.path());
    // scripts/bench passes its arguments on to bench_queue.
    for (const auto& e : fs::directory_iterator(root() / "bench"))
      if (e.path().extension() == ".cpp")
        for (const auto& f : flags_compared_in(e.path())) programs_["scripts/bench"].insert(f);

    cli_globals_ = flags_of(brokkr::cli::global_options());
    cli_all_ = cli_globals_;
    for (const auto& spec : brokkr::cli::command_catalog()) {
      cli_command c{spec.group, spec.verb, cli_globals_};
      for (const auto& f : flags_of(spec.options)) {
        c.flags.insert(f);
        cli_all_.insert(f);
      }
      commands_.push_back(std::move(c));
    }

    everything_ = cli_all_;
    for (const auto& [name, flags] : programs_) everything_.insert(flags.begin(), flags.end());
    for (const auto& [flag, tool] : other_tools) everything_.insert(flag);
  }

  // The program a command word names: a binary by its file name (build/cli/brokkr, brokkr-agent),
  // a script by its path from the repository root. Empty when it is none of ours.
  std::string program_of(std::string word) const {
    while (!word.empty() && (word.front() == '"' || word.front() == '\'')) word.erase(0, 1);
    while (!word.empty() && (word.back() == '"' || word.back() == '\'')) word.pop_back();
    if (starts_with(word, "./")) word.erase(0, 2);
    if (programs_.count(word)) return word;
    const auto base = word.substr(word.rfind('/') + 1);
    if (base == "brokkr" || (starts_with(base, "brokkr-") && programs_.count(base))) return base;
    return {};
  }

  // The flags `program` takes; for the CLI, those of the command the words name (all of them when
  // they name none).
  const flag_set& flags_for(const std::string& program, const std::vector<std::string>& words) const {
    if (program != "brokkr") return programs_.at(program);
    for (size_t i = 0; i < words.size(); ++i) {
      if (starts_with(words[i], "-")) continue;
      for (const auto& c : commands_) {
        if (words[i] != c.group) continue;
        if (c.verb.empty() || (i + 1 < words.size() && words[i + 1] == c.verb)) return c.flags;
      }
    }
    return cli_all_;
  }

  const flag_set& everything() const { return everything_; }

 private:
  std::map<std::string, flag_set> programs_;
  flag_set cli_globals_, cli_all_, everything_;
  std::vector<cli_command> commands_;
};

struct flag_problem {
  size_t line;
  std::string flag;
  std::string where;
};

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool is_keyword(const std::string& word) {
  for (const char* k : {"if", "then", "do", "else", "elif", "while", "until", "!", "time", "exec", "("})
    if (word == k) return true;
  return false;
}

bool is_assignment(const std::string& word) {
  const auto eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<long>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Shell command lines of a fenced block, checked against the program each command runs. A command
// starts a line, or follows |, ||, &&, ;, `$(`, or a keyword such as `if`; it ends at the next of
// those (a `|` inside [...] is a usage synopsis's alternative, not a pipe), or at a # comment.
class command_checker {
 public:
  command_checker(const flag_catalog& flags, std::vector<flag_problem>& problems, size_t& checked)
      : flags_(flags), problems_(problems), checked_(checked) {}

  void line(size_t number, const std::string& text, bool continues) {
    if (!continues) end_command();
    for (const auto& word : words_of(text)) {
      if (starts_with(word, "#")) break;
      if (program_.empty()) {
        if (word == "|" || word == "||" || word == "&&" || word == ";" || word.back() == ';') {
          at_start_ = true;
        } else if (const auto sub = word.rfind("$("); sub != std::string::npos) {
          start_at(word.substr(sub + 2));
        } else if (at_start_ && !is_keyword(word) && !is_assignment(word)) {
          start_at(word);
        }
        continue;
      }
      depth_ += std::count(word.begin(), word.end(), '[') - std::count(word.begin(), word.end(), ']');
      if (depth_ <= 0 && (word == "|" || word == "||" || word == "&&" || word == ";")) {
        end_command();
        continue;
      }
      words_.push_back(word);
      pending_.push_back({number, word});
      if (depth_ <= 0 && (word.back() == ')' || word.back() == ';')) end_command();
    }
  }

  void end_command() {
    if (!program_.empty()) {
      const auto& allowed = flags_.flags_for(program_, words_);
      for (const auto& [number, word] : pending_) {
        for (const auto& f : flags_in(word)) {
          ++checked_;
          if (!allowed.count(f.name)) problems_.push_back({number, f.name, program_ + " does not take it"});
        }
      }
    }
    program_.clear();
    words_.clear();
    pending_.clear();
    depth_ = 0;
    at_start_ = true;
  }

 private:
  void start_at(const std::string& word) {
    program_ = flags_.program_of(word);
    at_start_ = false;
  }

  const flag_catalog& flags_;
  std::vector<flag_problem>& problems_;
  size_t& checked_;
  std::string program_;
  std::vector<std::string> words_;
  std::vector<std::pair<size_t, std::string>> pending_;
  long depth_ = 0;
  bool at_start_ = true;
};

// Inline code: `brokkr work submit ... --wait` is checked against that command; a bare `--flag`
// must be a flag of some program of ours, or of a tool in other_tools.
void check_span(const flag_catalog& flags, size_t number, const std::string& span, std::vector<flag_problem>& problems,
                size_t& checked) {
  const auto words = words_of(span);
  const auto program = words.empty() ? std::string() : flags.program_of(words.front());
  const auto& allowed = program.empty() ? flags.everything() : flags.flags_for(program, words);
  for (const auto& f : flags_in(span)) {
    ++checked;
    if (!allowed.count(f.name))
      problems.push_back(
          {number, f.name, program.empty() ? "no program of ours takes it" : program + " does not take it"});
  }
}

bool shell_block(const std::string& lang) {
  return lang.empty() || lang == "sh" || lang == "bash" || lang == "shell" || lang == "console";
}


}  // namespace

BOOST_AUTO_TEST_SUITE(docs_links)

BOOST_AUTO_TEST_CASE(relative_links_name_files_and_headings_that_exist) {
  auto files = markdown_files();
  files.push_back(root() / "docs" / "openapi.yaml");
  std::map<fs::path, std::set<std::string>> anchors;
  const auto anchors_in = [&](const fs::path& f) -> const std::set<std::string>& {
    auto it = anchors.find(f);
    if (it == anchors.end()) it = anchors.emplace(f, anchors_of(f)).first;
    return it->second;
  };
  size_t checked = 0;
  for (const auto& file : files) {
    for (const auto& l : links_in(read_text(file), file.extension() == ".md")) {
      if (is_external(l.target)) continue;
      const auto hash = l.target.find('#');
      const auto path = l.target.substr(0, hash);
      const auto anchor = hash == std::string::npos ? std::string() : l.target.substr(hash + 1);
      if (path.empty() && file.extension() != ".md") continue;
      ++checked;
      const auto target = path.empty() ? file : (file.parent_path() / path).lexically_normal();
      const auto where = rel(file) + ":" + std::to_string(l.line) + ": link " + l.target;
      if (starts_with(path, "/") || starts_with(rel(target), "..")) {
        BOOST_ERROR(where << " leaves the repository");
        continue;
      }
      if (!fs::exists(target)) {
        BOOST_ERROR(where << ": " << rel(target) << " does not exist");
        continue;
      }
      if (!anchor.empty() && target.extension() == ".md" && !anchors_in(target).count(anchor))
        BOOST_ERROR(where << ": " << rel(target) << " has no heading #" << anchor);
    }
  }
  BOOST_TEST_MESSAGE("relative links checked: " << checked << " in " << files.size() << " files");
  BOOST_TEST(checked > 0u);
}

BOOST_AUTO_TEST_CASE(every_flag_the_docs_show_is_a_real_one) {
  const flag_catalog catalog;
  std::vector<fs::path> files{root() / "README.md"};
  for (const auto& e : fs::directory_iterator(root() / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin() + 1, files.end());
  size_t checked = 0;
  for (const auto& file : files) {
    std::vector<flag_problem> problems;
    command_checker commands(catalog, problems, checked);
    bool previous_continues = false;
    size_t previous_block = 0;
    for (const auto& l : markdown(read_text(file))) {
      if (!l.fenced) {
        if (previous_block) commands.end_command();
        previous_block = 0;
        for (const auto& span : split_code(l.text).spans) check_span(catalog, l.number, span, problems, checked);
        continue;
      }
      if (!shell_block(l.lang)) continue;
      // A line goes on with the next after a backslash; in a usage synopsis (no language), an
      // indented line goes on with the one before.
      const bool indented = !l.text.empty() && (l.text.front() == ' ' || l.text.front() == '\t');
      const bool continues = previous_block == l.block && (previous_continues || (l.lang.empty() && indented));
      commands.line(l.number, l.text, continues);
      previous_continues = !l.text.empty() && l.text.back() == '\\';
      previous_block = l.block;
    }
    commands.end_command();
    for (const auto& p : problems) BOOST_ERROR(rel(file) << ":" << p.line << ": flag " << p.flag << ": " << p.where);
  }
  BOOST_TEST_MESSAGE("flags checked: " << checked << " in " << files.size() << " files");
  BOOST_TEST(checked > 0u);
}

BOOST_AUTO_TEST_CASE(no_citation_leads_outside_the_repository) {
  // The project's design notes, style guide and reference notes are not part of this repository: a
  // reader of the docs (or of the served openapi.yaml) cannot follow a citation of them.
  const std::vector<std::string> outside = {"DESIGN.md", "STYLE.md", "reference/"};
  auto files = markdown_files();
  files.push_back(root() / "docs" / "openapi.yaml");
  size_t adr_mentions = 0;
  for (const auto& file : files) {
    const auto name = rel(file);
    size_t n = 0;
    for (const auto& line : lines_of(read_text(file))) {
      ++n;
      for (const auto& o : outside) {
        if (line.find(o) == std::string::npos) continue;
        BOOST_ERROR(name << ":" << n << ": cites " << o << ", which is not in this repository");
      }
      // "ADR 9", "ADR 0054": the decision record must exist.
      for (auto at = line.find("ADR "); at != std::string::npos; at = line.find("ADR ", at + 4)) {
        const auto digits = line.find_first_not_of("0123456789", at + 4);
        const auto number = line.substr(at + 4, (digits == std::string::npos ? line.size() : digits) - at - 4);
        if (number.empty()) continue;
        ++adr_mentions;
        const auto prefix = std::string(number.size() < 4 ? 4 - number.size() : 0, '0') + number + "-";
        bool found = false;
        for (const auto& e : fs::directory_iterator(root() / "docs" / "adr"))
          found = found || starts_with(e.path().filename().string(), prefix);
        BOOST_TEST(found, name << ":" << n << ": ADR " << number << " is not in docs/adr/");
      }
    }
  }
  BOOST_TEST_MESSAGE("files searched for citations: " << files.size() << ", ADR mentions checked: " << adr_mentions);
}

BOOST_AUTO_TEST_SUITE_END()
