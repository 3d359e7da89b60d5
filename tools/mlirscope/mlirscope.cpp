//===- mlirscope.cpp - mlirscope command-line entry point -----------------===//
//
// Parses `mlirscope SUBCOMMAND ...` with llvm::cl and runs the chosen
// subcommand; each one defines its cl::SubCommand and options in its own
// file. All the work lives in core/, this layer only parses and prints.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope::cli;
namespace cl = llvm::cl;

static const Command *const commands[] = {
    &inspectCommand, &statsCommand,   &extractCommand, &setCommand,
    &replaceCommand, &rewriteCommand, &stripCommand,   &attachCommand,
    &diffCommand,    &convertCommand, &graphCommand, &externalizeCommand};

static const char overview[] =
    "Inspect large MLIR models (bytecode .mlirbc or text .mlir) without\n"
    "loading their weights.\n\n"
    "Exit codes: 0 ok, 1 usage error, 2 bad input (diff: 3 when the models\n"
    "differ).\n";

// Arguments given without a subcommand: unknown commands and options, which
// main reports in its own words.
static cl::list<std::string>
    topLevelArgs(cl::Sink, cl::sub(cl::SubCommand::getTopLevel()));

/// The command `name` names, or null.
static const Command *findCommand(llvm::StringRef name) {
  for (const Command *c : commands)
    if (c->sub.getName() == name)
      return c;
  return nullptr;
}

/// llvm::cl reports an option given last without its value (`-o` at the
/// end) itself, on stderr and naming neither the command nor what the option
/// wants; this says it as the other usage errors are said instead. True if
/// it did.
static bool reportMissingValue(llvm::ArrayRef<const char *> args) {
  if (args.size() < 3 || !llvm::StringRef(args.back()).starts_with("-"))
    return false;
  const Command *command = findCommand(args[1]);
  if (!command)
    return false;
  llvm::StringRef arg = args.back();
  llvm::StringRef name = arg.ltrim('-');
  // Long names take two dashes (LongOptionsUseDoubleDash below).
  if (name.size() > 1 && !arg.starts_with("--"))
    return false;
  auto &options = cl::getRegisteredOptions(command->sub);
  auto it = options.find(name);
  if (it == options.end() ||
      it->second->getValueExpectedFlag() != cl::ValueRequired)
    return false;
  // "-o needs a path", but "--expand needs a value" for none|all|N.
  llvm::StringRef wants = it->second->ValueStr;
  if (wants.empty() || !llvm::all_of(wants, llvm::isAlpha))
    wants = "value";
  llvm::errs() << "mlirscope " << args[1] << ": " << args.back() << " needs a "
               << wants << "\n";
  return true;
}

int main(int argc, char **argv) {
  std::vector<const char *> args(argv, argv + argc);
  // `mlirscope help` has always meant `mlirscope --help`.
  if (args.size() >= 2 && llvm::StringRef(args[1]) == "help")
    args[1] = "--help";
  // -h, as every command took it before they moved to llvm::cl, which has
  // only --help; an alias of llvm::cl's own option so that it acts the same.
  cl::alias helpShort("h", cl::desc("Alias for --help"),
                      cl::aliasopt(*cl::getRegisteredOptions()["help"]));
  // Options of the LLVM libraries linked in (--color) say nothing about
  // mlirscope.
  cl::HideUnrelatedOptions(cl::getGeneralCategory());
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "mlirscope " << mlirscope::getVersionString()
       << " (LLVM " LLVM_VERSION_STRING ")\n";
  });

  if (reportMissingValue(args))
    return kUsage;
  const Command *chosen = args.size() > 1 ? findCommand(args[1]) : nullptr;
  // Errors go through `errors` so that a failed parse returns here with the
  // usage error's exit code rather than exiting inside llvm::cl.
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  bool parsed = cl::ParseCommandLineOptions(
      static_cast<int>(args.size()), args.data(), chosen ? chosen->overview : overview,
      &errorStream, /*VFS=*/nullptr, /*EnvVar=*/nullptr,
      /*LongOptionsUseDoubleDash=*/true);
  llvm::errs() << errors;
  if (!parsed)
    return kUsage;

  if (!chosen) {
    if (topLevelArgs.empty())
      llvm::errs() << "mlirscope: missing command (see mlirscope --help)\n";
    else if (llvm::StringRef(topLevelArgs.front()).starts_with("-"))
      llvm::errs() << "mlirscope: unknown argument '" << topLevelArgs.front()
                   << "' (see mlirscope --help)\n";
    else
      llvm::errs() << "mlirscope: unknown command '" << topLevelArgs.front()
                   << "' (see mlirscope --help)\n";
    return kUsage;
  }
  // A model truncated or rewritten by another program while a command reads
  // its mapping raises SIGBUS; under the guard the read sees zeros instead
  // (FaultGuard.h), saves refuse to commit, and the command ends with one
  // line naming the file instead of dying of the signal.
  int rc = kOk;
  bool faulted = mlirscope::runGuarded([&] { rc = chosen->run(); });
  printRemoteCounters();
  // Unless a refused save or the command itself said so already.
  if (faulted && !mlirscope::faultWasReported()) {
    printFileChanged(chosen->sub.getName(),
                     "; nothing printed or saved above for it is reliable");
    return kBadInput;
  }
  return rc;
}
