//===- DiskCache.cpp - Fetched blocks kept on disk between runs -----------===//

#include "DiskCache.h"

#include "mlirscope/Support/Hash.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::remote;

static constexpr llvm::StringLiteral kMagic = "mlirscope-remote-cache 2";

/// A block's or range's checksum; never 0, which marks "not cached".
static uint64_t checksum(const void *data, size_t n) {
  uint64_t h = xxh64(data, n);
  return h ? h : 1;
}

static std::string hex16(uint64_t v) {
  return llvm::utohexstr(v, /*LowerCase=*/true, 16);
}

/// The names in folder `path` (without . and ..).
static std::vector<std::string> listFolder(const std::string &path) {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(path.c_str())) {
    while (dirent *e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
        names.push_back(e->d_name);
    ::closedir(d);
  }
  return names;
}

/// Bytes the files of folder `path` take on disk (holes are free).
static uint64_t folderBytes(const std::string &path) {
  uint64_t bytes = 0;
  for (const std::string &name : listFolder(path)) {
    struct stat st;
    if (::stat((path + "/" + name).c_str(), &st) == 0)
      bytes += uint64_t(st.st_blocks) * 512;
  }
  return bytes;
}

static void removeFolder(const std::string &path) {
  for (const std::string &name : listFolder(path))
    ::unlink((path + "/" + name).c_str());
  ::rmdir(path.c_str());
}

static bool isEntryName(llvm::StringRef name) {
  return name.size() == 16 && llvm::all_of(name, llvm::isHexDigit);
}

void DiskCache::evict(const std::string &dir, uint64_t budget,
                      const std::string &keep) {
  struct Entry {
    std::string path;
    uint64_t bytes;
    struct timespec used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  for (const std::string &name : listFolder(dir)) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (!isEntryName(name) || ::stat(path.c_str(), &st) != 0 ||
        !S_ISDIR(st.st_mode))
      continue;
    struct stat lock;
    Entry e{path, folderBytes(path),
            ::stat((path + "/lock").c_str(), &lock) == 0 ? lock.st_mtim
                                                         : st.st_mtim};
    total += e.bytes;
    entries.push_back(std::move(e));
  }
  if (total <= budget)
    return;
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return a.used.tv_sec != b.used.tv_sec ? a.used.tv_sec < b.used.tv_sec
                                          : a.used.tv_nsec < b.used.tv_nsec;
  });
  for (const Entry &e : entries) {
    if (total <= budget)
      break;
    if (e.path == keep)
      continue;
    // An entry a process holds (shared lock) stays; the exclusive lock
    // keeps a process from starting to use it while it is taken away.
    int fd =
        ::open((e.path + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      // Renamed first (atomic: one evictor wins), then emptied: a process
      // that opened the lock meanwhile finds its path gone and starts anew.
      std::string gone = dir + "/.evicted." +
                         llvm::sys::path::filename(e.path).str() + "." +
                         std::to_string(::getpid());
      if (::rename(e.path.c_str(), gone.c_str()) == 0) {
        removeFolder(gone);
        total -= std::min(total, e.bytes);
      }
    }
    ::close(fd);
  }
}

std::unique_ptr<DiskCache> DiskCache::open(const std::string &dir,
                                           llvm::StringRef url,
                                           uint64_t blockSize,
                                           uint64_t budget) {
  std::unique_ptr<DiskCache> c(new DiskCache());
  c->dir = dir;
  c->folder = dir + "/" + hex16(xxh64(url.data(), url.size()));
  c->url = url.str();
  c->blockSize = blockSize;
  c->budget = budget;
  evict(dir, budget, c->folder);
  // The entry's lock, shared; taken again if the entry was evicted between
  // opening the lock and getting it.
  for (int attempt = 0; attempt < 5 && c->lockFd < 0; ++attempt) {
    if (llvm::sys::fs::create_directories(c->folder))
      return nullptr;
    std::string lockPath = c->folder + "/lock";
    int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return nullptr;
    struct stat held, now;
    if (::flock(fd, LOCK_SH) == 0 && ::fstat(fd, &held) == 0 &&
        ::stat(lockPath.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
        held.st_dev == now.st_dev) {
      c->lockFd = fd;
      break;
    }
    ::close(fd);
  }
  if (c->lockFd < 0)
    return nullptr;
  ::futimens(c->lockFd, nullptr); // used now
  auto meta = llvm::MemoryBuffer::getFile(c->folder + "/meta", true);
  if (!meta)
    return c;
  llvm::SmallVector<llvm::StringRef> lines;
  (*meta)->getBuffer().split(lines, '\n');
  ObjectVersion v;
  uint64_t metaBlock = 0;
  // A hash collision, another block size or a torn file: no version held.
  if (lines.size() < 6 || lines[0] != kMagic || lines[1] != url ||
      lines[2].getAsInteger(10, v.size) ||
      lines[3].getAsInteger(10, metaBlock) || metaBlock != blockSize)
    return c;
  v.etag = lines[4].str();
  v.lastModified = lines[5].str();
  if (v.hasValidator() && c->openVersion(v)) {
    c->held = v;
    c->loadRanges();
  }
  return c;
}

DiskCache::~DiskCache() {
  closeVersion();
  if (lockFd >= 0) {
    ::futimens(lockFd, nullptr);
    ::close(lockFd);
    // What this run wrote counts now: trim the others to the budget.
    evict(dir, budget, folder);
  }
}

/// The name of version `v`'s files.
static std::string versionName(const ObjectVersion &v, uint64_t blockSize) {
  std::string id = std::to_string(v.size) + "\n" + v.etag + "\n" +
                   v.lastModified + "\n" + std::to_string(blockSize);
  return hex16(xxh64(id.data(), id.size()));
}

bool DiskCache::openVersion(const ObjectVersion &v) {
  closeVersion();
  std::string base = folder + "/" + versionName(v, blockSize);
  dataFd = ::open((base + ".data").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  sumsFd = ::open((base + ".sums").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  rangesFd = ::open((base + ".ranges").c_str(),
                    O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct stat st;
  // Never shrunk here (another process may be writing it): only grown to
  // the object's size, which every holder of this version agrees on.
  if (dataFd < 0 || sumsFd < 0 || rangesFd < 0 || ::fstat(dataFd, &st) != 0 ||
      (uint64_t(st.st_size) < v.size &&
       ::ftruncate(dataFd, off_t(v.size)) != 0)) {
    closeVersion();
    return false;
  }
  return true;
}

void DiskCache::closeVersion() {
  for (int *fd : {&dataFd, &sumsFd, &rangesFd}) {
    if (*fd >= 0)
      ::close(*fd);
    *fd = -1;
  }
}

void DiskCache::reset(const ObjectVersion &v) {
  held.reset();
  {
    std::lock_guard<std::mutex> lock(rangesMutex);
    ranges.clear();
  }
  if (!openVersion(v))
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << kMagic << "\n"
     << url << "\n"
     << v.size << "\n"
     << blockSize << "\n"
     << v.etag << "\n"
     << v.lastModified << "\n";
  std::string tmp = folder + "/meta.tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return closeVersion();
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (folder + "/meta").c_str()) != 0) {
    ::unlink(tmp.c_str());
    return closeVersion();
  }
  // The other versions' files go (and their space); a process still
  // reading them keeps its descriptors.
  std::string mine = versionName(v, blockSize) + ".";
  for (const std::string &name : listFolder(folder)) {
    llvm::StringRef n(name);
    if (!n.starts_with(mine) && (n.ends_with(".data") || n.ends_with(".sums") ||
                                 n.ends_with(".ranges")))
      ::unlink((folder + "/" + name).c_str());
  }
  // Blocks another process cached for this version are good.
  held = v;
  loadRanges();
}

bool DiskCache::has(uint64_t index) const {
  uint64_t sum = 0;
  return held &&
         ::pread(sumsFd, &sum, sizeof sum, off_t(index * sizeof sum)) ==
             ssize_t(sizeof sum) &&
         sum != 0;
}

bool DiskCache::read(uint64_t index, uint8_t *out, size_t n) const {
  uint64_t sum = 0;
  off_t at = off_t(index * sizeof sum);
  if (!held || ::pread(sumsFd, &sum, sizeof sum, at) != ssize_t(sizeof sum) ||
      !sum)
    return false;
  if (readData(index * blockSize, out, n) && checksum(out, n) == sum)
    return true;
  // Torn, truncated or corrupted: dropped, fetched again by the caller.
  uint64_t none = 0;
  (void)!::pwrite(sumsFd, &none, sizeof none, at);
  return false;
}

bool DiskCache::readData(uint64_t offset, uint8_t *out, size_t n) const {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(dataFd, out + got, n - got, off_t(offset + got));
    if (r <= 0)
      return false;
    got += size_t(r);
  }
  return true;
}

bool DiskCache::writeData(uint64_t offset, const uint8_t *data, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = ::pwrite(dataFd, data + done, n - done, off_t(offset + done));
    if (w <= 0)
      return false;
    done += size_t(w);
  }
  return true;
}

void DiskCache::write(uint64_t index, const uint8_t *data, size_t n) {
  if (!held || !writeData(index * blockSize, data, n))
    return;
  // The sum after the bytes: a run killed in between leaves no sum.
  uint64_t sum = checksum(data, n);
  (void)!::pwrite(sumsFd, &sum, sizeof sum, off_t(index * sizeof sum));
}

namespace {
/// One record of the ranges file; `check` covers the other three, so a torn
/// or misaligned record ends the reading instead of being believed.
struct RangeRecord {
  uint64_t offset, size, sum, check;
};
/// What is believed of a ranges file read back: ranges are blobs' heads
/// (bytes to KiBs, one per blob), so a file or a range beyond these is
/// damage, and allocating for it would let a bad file take the memory.
constexpr uint64_t kMaxRangesFileBytes = 64ull << 20;
constexpr uint64_t kMaxRangeBytes = 64ull << 20;
} // namespace

void DiskCache::loadRanges() {
  std::vector<RangeRecord> records;
  if (::flock(rangesFd, LOCK_SH) == 0) {
    struct stat st;
    if (::fstat(rangesFd, &st) == 0) {
      records.resize(
          size_t(std::min<uint64_t>(st.st_size, kMaxRangesFileBytes)) /
          sizeof(RangeRecord));
      size_t bytes = records.size() * sizeof(RangeRecord);
      if (::pread(rangesFd, records.data(), bytes, 0) != ssize_t(bytes))
        records.clear();
    }
    ::flock(rangesFd, LOCK_UN);
  }
  uint64_t size = held ? held->size : 0;
  std::lock_guard<std::mutex> lock(rangesMutex);
  for (const RangeRecord &r : records) {
    if (r.check != checksum(&r, 3 * sizeof(uint64_t)))
      break;
    if (r.size && r.size <= kMaxRangeBytes && r.offset <= size &&
        r.size <= size - r.offset && r.size > ranges[r.offset].size)
      ranges[r.offset] = {r.size, r.sum};
  }
  for (auto it = ranges.begin(); it != ranges.end();)
    it = it->second.size ? std::next(it) : ranges.erase(it);
}

bool DiskCache::readRange(uint64_t offset, uint8_t *out, size_t n) const {
  if (!held)
    return false;
  uint64_t start, size, sum;
  {
    std::lock_guard<std::mutex> lock(rangesMutex);
    auto it = ranges.upper_bound(offset);
    if (it == ranges.begin())
      return false;
    --it;
    if (offset + n > it->first + it->second.size)
      return false;
    start = it->first;
    size = it->second.size;
    sum = it->second.sum;
  }
  // The whole recorded range is read to check it (ranges are a blob's
  // head: bytes to a few KiB).
  std::vector<uint8_t> bytes(size);
  if (readData(start, bytes.data(), size) &&
      checksum(bytes.data(), size) == sum) {
    std::memcpy(out, bytes.data() + (offset - start), n);
    return true;
  }
  std::lock_guard<std::mutex> lock(rangesMutex);
  ranges.erase(start);
  return false;
}

void DiskCache::writeRange(uint64_t offset, const uint8_t *data, size_t n) {
  if (!held || !n || n > kMaxRangeBytes || !writeData(offset, data, n))
    return;
  RangeRecord r{offset, n, checksum(data, n), 0};
  r.check = checksum(&r, 3 * sizeof(uint64_t));
  std::lock_guard<std::mutex> lock(rangesMutex);
  // Under an exclusive flock: records of processes writing this entry at
  // once never interleave.
  if (::flock(rangesFd, LOCK_EX) != 0)
    return;
  bool ok = ::write(rangesFd, &r, sizeof r) == ssize_t(sizeof r);
  ::flock(rangesFd, LOCK_UN);
  if (ok && n > ranges[offset].size)
    ranges[offset] = {n, r.sum};
  else if (!ranges[offset].size)
    ranges.erase(offset);
}
