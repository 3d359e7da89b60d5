//===- FuzzerMain.cpp - Replaying fuzz inputs without libFuzzer -----------===//
//
// Builds without the fuzzer (the normal and the sanitizer builds, compiled by
// any compiler) link this main instead of libFuzzer's, so every fuzz target
// also runs as a plain program over files: the regression inputs of crashes
// fuzzing found, and corpora. Usage: TARGET FILE_OR_DIR...
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc,
                                                          char ***argv);

static bool readFile(const std::string &path, std::vector<uint8_t> &out) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  out.clear();
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    out.insert(out.end(), buf, buf + n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

static void collect(const std::string &path, std::vector<std::string> &files) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    files.push_back(path);
    return;
  }
  DIR *dir = ::opendir(path.c_str());
  if (!dir)
    return;
  while (dirent *e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..")
      collect(path + "/" + name, files);
  }
  ::closedir(dir);
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i)
    collect(argv[i], files);
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  std::vector<uint8_t> bytes;
  for (const std::string &f : files) {
    if (!readFile(f, bytes)) {
      std::fprintf(stderr, "%s: cannot read\n", f.c_str());
      return 1;
    }
    // An exact-size copy, as libFuzzer passes: a read past the end is one
    // ASan sees.
    std::vector<uint8_t> exact(bytes);
    exact.shrink_to_fit();
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
  }
  std::printf("ran %zu inputs\n", files.size());
  return 0;
}
