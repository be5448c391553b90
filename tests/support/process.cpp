#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace brokkr::test {

std::string binary(const std::string& relative) {
  const char* dir = std::getenv("BROKKR_BUILD_DIR");
  const std::string base = dir ? dir : "build";
  return base + "/" + relative;
}

std::string temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  static std::mutex m;
  static std::vector<std::string>* dirs = nullptr;
  std::lock_guard<std::mutex> g(m);
  if (!dirs) {
    dirs = new std::vector<std::string>();
    std::atexit([] {
      for (const auto& d : *dirs) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    });
  }
  dirs->push_back(tmpl);
  return tmpl;
}

child_process::child_process(std::vector<std::string> argv, std::string log_path, std::vector<std::string> env)
    : log_path_(std::move(log_path)) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (auto& e : env) envs.push_back(std::move(e));
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) throw std::runtime_error("cannot open log " + log_path_);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // A test or bench killed before its destructors ran (a signal, a closed pipe) must not leave
    // its brokers and agents behind: the child dies with the thread that started it. No caller
    // starts processes from a thread that ends before it is done with them.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before the line above
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setpgid(0, 0);
    // Undo signal masks inherited from test frameworks.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(cargv[0], cargv.data(), cenv.data());
    std::fprintf(stderr, "exec %s failed: %s\n", cargv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

child_process::~child_process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

bool child_process::running() {
  if (status_) return false;
  int st = 0;
  const int r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return r == 0;
}

void child_process::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  eventually([this] { return !running(); }, timeout);
  return status_;
}

namespace {

// The number of KiB on the first line of /proc/PID/<file> that starts with `key`.
long proc_kib(int pid, const char* file, std::string_view key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/" + file);
  for (std::string line; std::getline(f, line);)
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  return 0;
}

}  // namespace

long rss_kib(int pid) { return proc_kib(pid, "status", "VmRSS:"); }
long pss_kib(int pid) { return proc_kib(pid, "smaps_rollup", "Pss:"); }

namespace {

struct proc_times {
  int ppid = 0;
  double cpu = 0;       // seconds
  double children = 0;  // seconds of its children that ended and were waited for
};

proc_times read_proc_times(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');  // the command may hold spaces and parentheses
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 1));
  std::string f;
  proc_times t;
  double utime = 0, stime = 0, cutime = 0, cstime = 0;
  // Fields after the command, numbered as in proc(5): state is 3, ppid 4, utime 14, stime 15,
  // cutime 16, cstime 17.
  for (int i = 3; i <= 17 && fields >> f; ++i) {
    if (i == 4) t.ppid = std::stoi(f);
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
    if (i == 16) cutime = std::stod(f);
    if (i == 17) cstime = std::stod(f);
  }
  const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  t.cpu = (utime + stime) / tick;
  t.children = (cutime + cstime) / tick;
  return t;
}

}  // namespace

double cpu_seconds(int pid) { return read_proc_times(std::to_string(pid)).cpu; }

int parent_pid(int pid) { return read_proc_times(std::to_string(pid)).ppid; }

double tree_cpu_seconds(int pid) {
  // The parent first, then its children: a child that ends in between is missed by this sample
  // (never counted twice), so a difference of two samples can be off by what such a child used.
  const auto self = read_proc_times(std::to_string(pid));
  double total = self.cpu + self.children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto t = read_proc_times(name);  // a process that ended meanwhile reads as zero
    if (t.ppid == pid) total += t.cpu;
  }
  return total;
}

bool sanitized() {
  static const bool on = [] {
    const char* s = std::getenv("BROKKR_SANITIZED");
    return s && std::string_view(s) == "1";
  }();
  return on;
}

int slowdown() { return sanitized() ? 4 : 1; }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string child_process::log() const { return read_text_file(log_path_); }

std::string wait_for_file(const std::string& path, std::chrono::milliseconds timeout) {
  std::string content;
  eventually(
      [&] {
        content = read_text_file(path);
        return !content.empty();
      },
      timeout);
  return content;
}

std::string find_kubectl() {
  if (const char* k = std::getenv("BROKKR_KUBECTL"); k && *k) return std::filesystem::exists(k) ? k : "";
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string d; std::getline(dirs, d, ':');)
      if (const auto k = std::filesystem::path(d) / "kubectl"; !d.empty() && ::access(k.c_str(), X_OK) == 0) return k.string();
  }
  return ::access("/usr/bin/kubectl", X_OK) == 0 ? "/usr/bin/kubectl" : "";
}

uint16_t free_port() {
  // Outside the kernel's ephemeral range: a port the kernel hands out (bind to 0) is also the kind it
  // gives the local end of outgoing connections, and a test run opens thousands, so a process
  // restarted on it later could find it taken (scripts/lib/pg.sh picks its ports the same way).
  int low = 32768, high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
  // As scripts/lib/pg.sh: below the range when there is room there, else above it.
  int from = 15000, to = 32768;
  if (low - 15000 >= 1000) {
    to = low;
  } else if (65535 - high >= 1000) {
    from = high + 1;
    to = 65536;
  }
  // Ports handed out earlier are not free yet as far as the caller knows (nothing binds them until
  // its process starts), so one fixture asking twice gets two different ports.
  static std::mutex m;
  static std::mt19937 rng{std::random_device{}()};
  static std::set<int> given;
  std::lock_guard lock(m);
  std::uniform_int_distribution<int> pick(from, to - 1);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = pick(rng);
    if (given.count(port)) continue;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) {
      given.insert(port);
      return static_cast<uint16_t>(port);
    }
  }
  throw std::runtime_error("no free loopback port in " + std::to_string(from) + "-" + std::to_string(to - 1));
}

}  // namespace brokkr::test
