//===- DiskCache.cpp - Fetched blocks kept on disk between runs -----------===//

#include "DiskCache.h"

#include "mlirscope/Support/Hash.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

using namespace mlirscope;
using namespace mlirscope::remote;

static constexpr llvm::StringLiteral kMagic = "mlirscope-remote-cache 1";

std::unique_ptr<DiskCache> DiskCache::open(const std::string &dir,
                                           llvm::StringRef url,
                                           uint64_t blockSize) {
  std::unique_ptr<DiskCache> c(new DiskCache());
  c->folder = dir + "/" +
              llvm::utohexstr(xxh64(url.data(), url.size()),
                              /*LowerCase=*/true, 16);
  c->url = url.str();
  c->blockSize = blockSize;
  if (llvm::sys::fs::create_directories(c->folder))
    return nullptr;
  c->dataFd =
      ::open((c->folder + "/data").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  c->presentFd = ::open((c->folder + "/present").c_str(),
                        O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  c->rangesFd = ::open((c->folder + "/ranges").c_str(),
                       O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (c->dataFd < 0 || c->presentFd < 0 || c->rangesFd < 0)
    return nullptr;
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
  if (v.hasValidator())
    c->held = v;
  uint64_t record[2];
  for (off_t at = 0;
       ::pread(c->rangesFd, record, sizeof record, at) == sizeof record;
       at += sizeof record)
    if (record[1] && record[0] <= v.size && record[1] <= v.size - record[0])
      c->ranges[record[0]] = std::max(c->ranges[record[0]], record[1]);
  return c;
}

DiskCache::~DiskCache() {
  if (dataFd >= 0)
    ::close(dataFd);
  if (presentFd >= 0)
    ::close(presentFd);
  if (rangesFd >= 0)
    ::close(rangesFd);
}

void DiskCache::reset(const ObjectVersion &v) {
  held.reset();
  // Blocks first, then the version they belong to: a run killed in between
  // finds no version and no blocks.
  ::unlink((folder + "/meta").c_str());
  {
    std::lock_guard<std::mutex> lock(rangesMutex);
    ranges.clear();
  }
  if (::ftruncate(presentFd, 0) != 0 || ::ftruncate(rangesFd, 0) != 0 ||
      ::ftruncate(dataFd, 0) != 0 ||
      ::ftruncate(dataFd, off_t(v.size)) != 0)
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << kMagic << "\n"
     << url << "\n"
     << v.size << "\n"
     << blockSize << "\n"
     << v.etag << "\n"
     << v.lastModified << "\n";
  std::string tmp = folder + "/meta.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), (folder + "/meta").c_str()) == 0)
    held = v;
}

bool DiskCache::has(uint64_t index) const {
  uint8_t present = 0;
  return held && ::pread(presentFd, &present, 1, off_t(index)) == 1 &&
         present == 1;
}

bool DiskCache::read(uint64_t index, uint8_t *out, size_t n) const {
  return has(index) && readData(index * blockSize, out, n);
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

bool DiskCache::readRange(uint64_t offset, uint8_t *out, size_t n) const {
  if (!held)
    return false;
  {
    std::lock_guard<std::mutex> lock(rangesMutex);
    auto it = ranges.upper_bound(offset);
    if (it == ranges.begin())
      return false;
    --it;
    if (offset + n > it->first + it->second)
      return false;
  }
  return readData(offset, out, n);
}

void DiskCache::writeRange(uint64_t offset, const uint8_t *data, size_t n) {
  if (!held || !n || !writeData(offset, data, n))
    return;
  uint64_t record[2] = {offset, n};
  std::lock_guard<std::mutex> lock(rangesMutex);
  if (::write(rangesFd, record, sizeof record) == ssize_t(sizeof record))
    ranges[offset] = std::max(ranges[offset], uint64_t(n));
}

void DiskCache::write(uint64_t index, const uint8_t *data, size_t n) {
  if (!held || !writeData(index * blockSize, data, n))
    return;
  uint8_t present = 1;
  (void)!::pwrite(presentFd, &present, 1, off_t(index));
}
