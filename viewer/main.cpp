//===- main.cpp - mlirscope-view: the desktop viewer ----------------------===//

#include "App.h"

#include "mlirscope/Index/Parameters.h"

#include "mlirscope/Support/Version.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

static const char kUsage[] =
    "USAGE: mlirscope-view [FILE|URL] [--weight NAME] [--op OP]\n"
    "                      [--parameters [SCOPE=]ARCHIVE]...\n"
    "                      [--min-inline-bytes N]\n"
    "                      [--script FILE] [--screenshot OUT.png]\n"
    "                      [--size WxH] [--scale S] [--config DIR|-]\n"
    "                      [--bench-frames N]\n\n"
    "Views an MLIR model (.mlirbc or .mlir): summary, ops, weights (resource\n"
    "blobs, inline elements attributes, parameters in external archives), any\n"
    "weight's values, statistics and heatmap; edits them in place. A URL\n"
    "(https://, http://, s3://bucket/key) opens a model where it lives.\n\n"
    "  --weight NAME      open that weight in the tensor inspector (a resource\n"
    "                     key, @symbol, scope::key; --resource KEY: the same)\n"
    "  --parameters [SCOPE=]ARCHIVE\n"
    "                     bind a parameter archive (.irpa, .safetensors, .gguf)\n"
    "                     to SCOPE, as iree-run-module does; repeatable\n"
    "  --min-inline-bytes N  list inline weights of at least N bytes (default\n"
    "                     1024; smaller ones are only counted)\n"
    "  --op OP            select an op: #N (index), @symbol, or an op name\n"
    "  --script FILE      run the actions in FILE (see viewer/Script.h)\n"
    "  --screenshot OUT   write the window as PNG once FILE is open, then quit\n"
    "  --size WxH         window size (default 1400x900)\n"
    "  --scale S          UI scale (default: the monitor's content scale)\n"
    "  --config DIR       where settings live ('-': none; scripts default to none)\n"
    "  --bench-frames N   run N frames and print CPU time per frame\n";

int main(int argc, char **argv) {
  mlirscope::view::processStart();
  mlirscope::view::Options options;
  bool configGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fprintf(stderr, "mlirscope-view: %s needs a value\n%s", a.c_str(), kUsage);
        exit(1);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      fputs(kUsage, stdout);
      return 0;
    } else if (a == "--weight" || a == "--resource") {
      options.weight = value();
    } else if (a == "--min-inline-bytes") {
      std::string v = value();
      char *end = nullptr;
      unsigned long long n = strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || v[0] == '-') {
        fprintf(stderr, "mlirscope-view: --min-inline-bytes expects a byte count\n");
        return 1;
      }
      options.minInlineBytes = n;
    } else if (a == "--parameters") {
      options.parameters.push_back(
          mlirscope::parseParameterOption(value()));
    } else if (a == "--op") {
      options.op = value();
    } else if (a == "--script") {
      options.script = value();
    } else if (a == "--screenshot") {
      options.screenshot = value();
    } else if (a == "--config") {
      options.configDir = value();
      configGiven = true;
    } else if (a == "--size") {
      std::string v = value();
      if (sscanf(v.c_str(), "%dx%d", &options.width, &options.height) != 2 ||
          options.width < 200 || options.height < 150) {
        fprintf(stderr, "mlirscope-view: --size expects WxH, e.g. 1400x900\n");
        return 1;
      }
    } else if (a == "--scale") {
      options.scale = float(atof(value().c_str()));
    } else if (a == "--bench-frames") {
      options.benchFrames = atoi(value().c_str());
    } else if (!a.empty() && a[0] == '-') {
      fprintf(stderr, "mlirscope-view: unknown option %s\n%s", a.c_str(), kUsage);
      return 1;
    } else if (options.file.empty()) {
      options.file = a;
    } else {
      fprintf(stderr, "mlirscope-view: one FILE at a time\n%s", kUsage);
      return 1;
    }
  }
  // Scripted and headless runs leave the user's settings alone.
  if (!configGiven && (!options.script.empty() || !options.screenshot.empty() ||
                       options.benchFrames))
    options.configDir = "-";
  mlirscope::view::App app(std::move(options));
  return app.run();
}
