//===- Script.h - Driving the viewer from a file of actions -----*- C++ -*-===//
//
// `mlirscope-view --script FILE` replays one action per line through the
// same App and panel calls the mouse and keyboard reach, letting frames pass
// between them, so tests and the README's screenshots see what a person
// would. `#` starts a comment. The actions:
//
//   open PATH             wait                  frames N
//   open-url URL (File > Open URL..., the URL typed, Open; then wait)
//   list functions|ops|weights                  filter TEXT
//   kind all|resource|inline|parameter (the weights list's kind filter)
//   search TEXT           search-regex TEXT     op SPEC (#N, @symbol, name)
//   hit N (click search hit N)                  weight N (click the op's weight N)
//   tensor NAME (open the weight NAME: a resource key, @sym, scope::key...)
//   weight-info NAME (print its kind, type, place, editability, first values)
//   parameters [SCOPE=]FILE (bind an archive, index again)
//   bind SCOPE (File > Bind Parameters: the scope, then the file browser)
//   view values|heatmap   stat mean|min|max|absmax
//   axes ROW COL          fix AXIS INDEX        goto R,C
//   select R,C R2,C2      set R,C VALUE         fill VALUE   scale FACTOR
//   undo   redo   save   saveas PATH   export PATH   replace NPY
//   zoom R0 C0 ROWS COLS  browse DIR            close
//   graph                 graph-click LABEL     expand PATH   collapse PATH   fit
//   expand-all            bench N (time the next N frames)
//   layout-graphs FILE    (each group of the view as a digraph, for dot)
//   answer save|discard|cancel                  size W H
//   screenshot PATH       dump                  value R,C    quit
//   kill                  (SIGKILL itself: a crash with unsaved edits)
//
// `dump`, `value` and `weight-info` print `key: value` lines on stdout for
// FileCheck.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_SCRIPT_H
#define MLIRSCOPE_VIEWER_SCRIPT_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlirscope::view {

class App;

class Script {
public:
  /// Reads `path`; null and `error` set when it cannot.
  static std::unique_ptr<Script> load(const std::string &path, std::string &error);
  /// Called at the start of every frame: runs actions until one needs
  /// frames to pass.
  void step(App &app);
  bool finished() const { return next >= lines.size() && !waitFrames && !waitIdle; }
  /// Non-zero when an action failed (unknown action, a wait timed out).
  int exitCode() const { return failed ? 1 : 0; }

private:
  bool run(App &app, const std::string &line);
  void dump(App &app);
  void printWeight(App &app, uint32_t weight);
  std::vector<std::string> lines;
  size_t next = 0;
  int waitFrames = 3; // warm-up: ImGui settles its layout over the first frames
  bool waitIdle = false;
  double waitStart = 0;
  bool failed = false;
  /// open-url: the prompt is shown; Open is pressed once frames passed.
  bool pendingUrlSubmit = false;
};

} // namespace mlirscope::view

#endif
