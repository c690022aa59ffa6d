#include "model/engine/crash.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <memory>
#include <mutex>

#include "model/engine/execution.hpp"

namespace doublecheck::model {
namespace {

constexpr std::array<int, 5> kFatalSignals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// The alternate signal stack of each OS thread that runs executions: the signal frame, the
// handler, and its switch to the resumer need a few KiB (the frame holds the CPU's extended
// state); 64 KiB leaves room, and it is only reserved.
constexpr std::size_t kSignalStackSize = std::size_t{64} << 10;

// Addresses below this are a null pointer plus a small offset (a member of a null object).
constexpr std::uintptr_t kNullPage = 4096;

// The process-wide part: how many searches run (the first installs the handlers, the last puts
// back what was there) and the handlers found before the first, which a signal the explorer does
// not turn into a failure goes back to.
// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): process-wide by design
std::mutex g_install_mutex;
int g_searches = 0;  // guarded by g_install_mutex
// Written under g_install_mutex before the handlers are installed; read by the handler.
std::array<struct sigaction, kFatalSignals.size()> g_previous{};
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

// This OS thread's part, read by the handler: the scopes open on it and the innermost's model.
// Constant-initialised and trivially destructible, so reading it needs no initialisation guard.
struct ThreadScopes {
  int depth = 0;
  std::string_view model;
};
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): per-thread, mutable by design
thread_local ThreadScopes tl_scopes;

std::size_t page_size() {
  const long page = ::sysconf(_SC_PAGESIZE);
  return page > 0 ? static_cast<std::size_t>(page) : std::size_t{4096};
}

std::size_t slot_of(int signal) {
  return static_cast<std::size_t>(std::find(kFatalSignals.begin(), kFatalSignals.end(), signal) -
                                  kFatalSignals.begin());
}

// What the signal says, for a person; static text, so the handler can print it too.
std::string_view signal_text(int signal, int code) {
  switch (signal) {
    case SIGSEGV:
      if (code == SEGV_MAPERR) return "invalid memory access: nothing is mapped there";
      if (code == SEGV_ACCERR) return "invalid memory access: the memory is protected";
      return "invalid memory access";
    case SIGBUS:
      return "bus error: a misaligned access, or one past the end of a mapped file";
    case SIGFPE:
      if (code == FPE_INTDIV) return "integer division by zero";
      if (code == FPE_INTOVF) return "integer overflow";
      if (code == FPE_FLTDIV) return "floating-point division by zero";
      return "arithmetic error";
    case SIGILL:
      return "illegal instruction: __builtin_trap(), or a jump into data";
    case SIGABRT:
      return "abort(): a failed assert(), std::terminate(), or abort() itself";
    default:
      return "fatal signal";
  }
}

// Whether si_addr means something: the kernel raised the signal for a fault (si_code > 0), and it
// is one that has an address.
bool has_address(int signal, int code) { return code > 0 && signal != SIGABRT; }

// "address" of the data a fault touched, or "instruction" where arithmetic or decoding failed.
std::string_view address_word(int signal) {
  return signal == SIGSEGV || signal == SIGBUS ? "address" : "instruction";
}

// The hexadecimal digits of `value`, written into `digits` (no allocation: the handler uses it).
using HexDigits = std::array<char, 2 * sizeof(std::uintptr_t)>;
std::string_view hex_digits(std::uintptr_t value, HexDigits& digits) {
  auto* const end = std::to_chars(digits.data(), digits.data() + digits.size(), value, 16).ptr;
  return {digits.data(), static_cast<std::size_t>(end - digits.data())};
}

std::string hex(std::uintptr_t value) {
  HexDigits digits{};
  return "0x" + std::string(hex_digits(value, digits));
}

// A line for standard error built in a fixed buffer and written with write(2): what a signal
// handler may do (no allocation, no stdio lock that the crashed code may hold).
class StderrText {
 public:
  StderrText(const StderrText&) = delete;
  StderrText& operator=(const StderrText&) = delete;
  StderrText() = default;
  ~StderrText() { flush(); }

  StderrText& operator<<(std::string_view text) {
    for (const char c : text) {
      if (size_ == buffer_.size()) flush();
      buffer_[size_++] = c;
    }
    return *this;
  }
  StderrText& hex(std::uintptr_t value) {
    HexDigits digits{};
    return *this << "0x" << hex_digits(value, digits);
  }
  void flush() {
    std::size_t written = 0;
    while (written < size_) {
      const ssize_t n = ::write(STDERR_FILENO, buffer_.data() + written, size_ - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    size_ = 0;
  }

 private:
  std::array<char, 256> buffer_{};
  std::size_t size_ = 0;
};

// A fatal signal the explorer cannot turn into a failure: says what is known on standard error.
void say_why_the_process_dies(int signal, const siginfo_t& info, const Execution* execution) {
  StderrText out;
  out << "doublecheck: fatal signal " << signal_name(signal) << " ("
      << signal_text(signal, info.si_code) << ")";
  if (has_address(signal, info.si_code)) {
    out << " at " << address_word(signal) << " ";
    out.hex(reinterpret_cast<std::uintptr_t>(info.si_addr));
  }
  if (execution != nullptr) {
    out << " outside any model thread: in the explorer's own code, during an execution of model '"
        << tl_scopes.model << "'\ndoublecheck: replay token of the choices so far (--replay runs "
        << "them, then goes on without preemptions): ";
    write_token(execution->memory_model(), execution->choices(),
                [&out](std::string_view piece) { out << piece; });
  } else if (tl_scopes.depth > 0) {
    out << " outside any model thread: in the explorer's own code, between executions of model '"
        << tl_scopes.model << "' (replay token unavailable)";
  } else {
    out << " on a thread that runs no model execution (its model and replay token are unknown "
        << "here)";
  }
  out << "\ndoublecheck: the process dies of this signal: outside a model thread, the explorer's "
      << "own state cannot be trusted after it\n";
}

void on_fatal_signal(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  Execution* execution = Execution::current_or_null();
  // A fault of the code running here, or abort()/raise() called by it — not a signal another
  // process sent, which may land on any thread.
  const bool raised_here =
      info->si_code > 0 || (info->si_code == SI_TKILL && info->si_pid == ::getpid());
  if (execution != nullptr && execution->in_model_thread() && raised_here) {
    // No sigreturn will happen: put back the mask the thread ran with (saved in the signal frame;
    // on entry the kernel added the signal to it), or the signal would stay blocked on this OS
    // thread and its next occurrence would kill the process.
    ::pthread_sigmask(SIG_SETMASK, &static_cast<const ucontext_t*>(context)->uc_sigmask, nullptr);
    errno = saved_errno;
    execution->crash_out(
        CrashSignal{signal, info->si_code, reinterpret_cast<std::uintptr_t>(info->si_addr), false});
  }
  say_why_the_process_dies(signal, *info, execution);
  // Back to what was there before the explorer (the default: die, dumping core where enabled; or
  // a handler of the program's own) and the signal again: blocked while this handler runs, it is
  // taken by that disposition as the handler returns (a fault's instruction is not run again
  // first). The exit status is then a death by the signal.
  const std::size_t slot = slot_of(signal);
  if (slot < g_previous.size()) ::sigaction(signal, &g_previous[slot], nullptr);
  ::raise(signal);
  errno = saved_errno;
}

void install_handlers() {
  const std::lock_guard lock(g_install_mutex);
  if (g_searches++ > 0) return;
  struct sigaction action {};
  action.sa_sigaction = on_fatal_signal;
  // SA_ONSTACK: on the thread's alternate stack, so that a stack overflow can be handled too.
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    ::sigaction(kFatalSignals[i], &action, &g_previous[i]);
  }
}

void uninstall_handlers() {
  const std::lock_guard lock(g_install_mutex);
  if (--g_searches > 0) return;
  for (std::size_t i = 0; i < kFatalSignals.size(); ++i) {
    // Only ours is put back: a handler installed since (by the program) stays.
    struct sigaction current {};
    ::sigaction(kFatalSignals[i], nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == on_fatal_signal) {
      ::sigaction(kFatalSignals[i], &g_previous[i], nullptr);
    }
  }
}

}  // namespace

// The alternate signal stack of one OS thread, with a guard page below it, for as long as the
// outermost scope on the thread lives; the thread's previous one is put back after.
class SignalStack {
 public:
  SignalStack() {
    const std::size_t page = page_size();
    const long suggested = ::sysconf(_SC_SIGSTKSZ);
    std::size_t size =
        std::max(kSignalStackSize, 4 * static_cast<std::size_t>(std::max(suggested, 0L)));
    size = (size + page - 1) / page * page;
    void* mapping = ::mmap(nullptr, page + size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    // Without one, the handler runs on the crashing stack: every crash but an overflow is caught.
    if (mapping == MAP_FAILED) return;
    ::mprotect(mapping, page, PROT_NONE);
    stack_t stack{};
    stack.ss_sp = static_cast<char*>(mapping) + page;
    stack.ss_size = size;
    stack.ss_flags = 0;
    if (::sigaltstack(&stack, &previous_) != 0) {
      ::munmap(mapping, page + size);
      return;
    }
    mapping_ = mapping;
    mapped_ = page + size;
  }
  SignalStack(const SignalStack&) = delete;
  SignalStack& operator=(const SignalStack&) = delete;
  ~SignalStack() {
    if (mapping_ == nullptr) return;
    if ((previous_.ss_flags & SS_DISABLE) != 0) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      ::sigaltstack(&off, nullptr);
    } else {
      previous_.ss_flags = 0;
      ::sigaltstack(&previous_, nullptr);
    }
    ::munmap(mapping_, mapped_);
  }

 private:
  void* mapping_ = nullptr;  // the mmap'ed region (guard included), unmapped by the destructor
  std::size_t mapped_ = 0;
  stack_t previous_{};
};

std::string_view signal_name(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "a fatal signal";
  }
}

std::string crash_cell(const CrashSignal& crash) {
  std::string cell(signal_name(crash.signal));
  if (has_address(crash.signal, crash.code)) {
    cell += " at " + std::string(address_word(crash.signal)) + " " + hex(crash.address);
  }
  if (crash.stack_overflow) {
    cell += " (stack overflow)";
  } else if ((crash.signal == SIGSEGV || crash.signal == SIGBUS) && crash.code > 0 &&
             crash.address < kNullPage) {
    cell += " (null pointer)";
  }
  return cell;
}

Failure crash_failure(const CrashSignal& crash, ThreadId thread, const SourceLoc& last,
                      std::uint32_t row, std::size_t stack_size) {
  std::string message = "model thread T" + std::to_string(thread) +
                        " crashed: " + std::string(signal_name(crash.signal)) + " (" +
                        std::string(signal_text(crash.signal, crash.code)) + ")";
  if (has_address(crash.signal, crash.code)) {
    message += " at " + std::string(address_word(crash.signal)) + " " + hex(crash.address);
  }
  if (crash.stack_overflow) {
    message += ": a stack overflow — the address is in the guard pages below the thread's " +
               std::to_string(stack_size >> 10) +
               " KiB stack (a recursion too deep, or local arrays too large; if the model needs "
               "more, raise ExploreOptions::stack_size or the runner's --stack-size, in KiB)";
  } else if ((crash.signal == SIGSEGV || crash.signal == SIGBUS) && crash.code > 0 &&
             crash.address < kNullPage) {
    message += ": a null pointer dereference";
  } else if (crash.code <= 0 && crash.signal != SIGABRT) {
    message += ", raised by the thread itself (raise(), pthread_kill())";
  }
  message += last.line != 0 ? "; its last visible operation was at " + location_text(last)
                            : "; before its first visible operation";
  std::string object(signal_name(crash.signal));
  if (crash.stack_overflow) object += " stack overflow";
  return Failure::make(FailureKind::kCrash, std::move(message), std::move(object),
                       {Access{thread, false, last, row}});
}

CrashScope::CrashScope(std::string_view model_name) : previous_model_(tl_scopes.model) {
  install_handlers();
  if (tl_scopes.depth++ == 0) signal_stack_ = std::make_unique<SignalStack>();
  tl_scopes.model = model_name;
}

CrashScope::~CrashScope() {
  tl_scopes.model = previous_model_;
  if (--tl_scopes.depth == 0) signal_stack_.reset();
  uninstall_handlers();
}

}  // namespace doublecheck::model
