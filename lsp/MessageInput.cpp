//===- MessageInput.cpp - Reading JSON-RPC messages that may be bad -------===//
//
// See MessageInput.h.
//
//===----------------------------------------------------------------------===//

#include "MessageInput.h"
#include "MessageContext.h"
#include "Protocol.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Logging.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

using namespace llvm::lsp;
using mlirscope::lspserver::kInvalidRequestMethod;
using mlirscope::lspserver::kLargeTextBytes;
using mlirscope::lspserver::kParseErrorMethod;
using mlirscope::lspserver::MessageContext;
using mlirscope::lspserver::MessageInput;
using mlirscope::lspserver::TextBuffer;

namespace {
/// Reads messages like JSONTransportInputOverFile, but never lets bad input
/// end the session: text that is not JSON, or JSON that is not a JSON-RPC
/// 2.0 message, is handed on as a call of kParseErrorMethod or
/// kInvalidRequestMethod (id null unless the message had one), which the
/// server answers with an error. A header line with junk before
/// `Content-Length:` still counts, so the stream resynchronizes.
class Input : public MessageInput {
public:
  Input(std::FILE *in, JSONStreamStyle style, MessageContext &context)
      : in(in), style(style), context(context) {}
  bool hasError() const final { return ferror(in); }
  bool isEndOfInput() const final { return feof(in); }

  llvm::LogicalResult read(llvm::json::Value &message) final {
    if (failed(style == JSONStreamStyle::Delimited ? readDelimitedMessage(raw)
                                                   : readStandardMessage(raw)))
      return llvm::failure();
    message = parseMessage(raw, std::move(large));
    // The buffer is reused for the next message, unless it was large: a
    // 512 MiB document must not stay allocated after its message.
    if (raw.capacity() > kLargeTextBytes)
      std::string().swap(raw);
    return llvm::success();
  }

private:
  llvm::LogicalResult readDelimitedMessage(std::string &json) {
    json.clear();
    std::string line;
    while (readLine(line)) {
      llvm::StringRef trimmed = llvm::StringRef(line).trim();
      if (trimmed.starts_with("//")) {
        if (trimmed == "// -----")
          break;
        continue;
      }
      json += line;
    }
    if (ferror(in) || llvm::StringRef(json).trim().empty())
      return llvm::failure();
    return llvm::success();
  }

  llvm::LogicalResult readStandardMessage(std::string &json) {
    uint64_t length = 0;
    bool sawLength = false;
    std::string line;
    while (true) {
      if (!readLine(line))
        return llvm::failure();
      llvm::StringRef l = line;
      size_t at = l.find("Content-Length:");
      if (at != llvm::StringRef::npos) {
        sawLength = !l.drop_front(at + 15).trim().getAsInteger(10, length);
        if (!sawLength)
          Logger::error("bad Content-Length header: {0}", l.trim());
        continue;
      }
      if (!l.trim().empty())
        continue; // another header
      if (sawLength)
        break;
      // A blank line without a length before it: keep looking.
    }
    if (length == 0 || length > (1u << 30)) {
      Logger::error("ignoring a message of Content-Length {0}", length);
      return llvm::failure();
    }
    json.clear();
    if (length > kLargeTextBytes)
      return readLargeMessage(length);
    // The buffer grows with the bytes that actually arrive (at most
    // doubling), not with what the header claims: a 16-byte message saying
    // Content-Length: 1000000000 must not allocate a gigabyte.
    while (json.size() < length) {
      size_t have = json.size();
      size_t chunk =
          std::min<uint64_t>(length - have, std::max<size_t>(have, 1 << 20));
      json.resize(have + chunk);
      size_t n = std::fread(&json[have], 1, chunk, in);
      json.resize(have + n);
      if (n == 0)
        return llvm::failure();
      clearerr(in);
    }
    return llvm::success();
  }

  /// A large message is read into the buffer a document keeps: the text of
  /// a didOpen is then unescaped where it lies and kept there (one copy of
  /// it, see parkTextInPlace). Pages are used only as bytes arrive.
  llvm::LogicalResult readLargeMessage(uint64_t length) {
    large = TextBuffer::withRoom("", length);
    if (!large) {
      Logger::error("no memory for a message of {0} bytes", length);
      // Skipped, so that the stream stays in step.
      char sink[1 << 16];
      for (uint64_t left = length; left;) {
        size_t n =
            std::fread(sink, 1, std::min<uint64_t>(left, sizeof(sink)), in);
        if (n == 0)
          break;
        left -= n;
      }
      return llvm::failure();
    }
    uint8_t *out = large->writable();
    for (uint64_t have = 0; have < length;) {
      size_t n = std::fread(out + have, 1,
                            std::min<uint64_t>(length - have, 1 << 20), in);
      if (n == 0) {
        large.reset();
        return llvm::failure();
      }
      have += n;
      clearerr(in);
    }
    largeLength = length;
    return llvm::success();
  }

  bool readLine(std::string &out) {
    out.clear();
    char buf[256];
    while (std::fgets(buf, sizeof(buf), in)) {
      out += buf;
      if (!out.empty() && out.back() == '\n')
        return true;
    }
    return !out.empty();
  }

  /// The message in `json`, or in `message` when it is large (whose text
  /// may be cut out, see parkTextInPlace), or the made-up call that answers
  /// it with an error.
  llvm::json::Value parseMessage(std::string &json,
                                 std::unique_ptr<TextBuffer> message) {
    // A parked text belongs to the message handled right after it was read.
    context.beginMessage();
    if (!message && json.size() > kLargeTextBytes) {
      // A delimited message (lit transcripts): the same way, from a copy.
      message = TextBuffer::withRoom("", json.size());
      if (message) {
        std::memcpy(message->writable(), json.data(), json.size());
        largeLength = json.size();
        std::string().swap(json);
      }
    }
    if (message && !parkTextInPlace(message, json)) {
      // Anything else goes the general way, as text.
      json.assign(reinterpret_cast<const char *>(message->writable()),
                  largeLength);
      message.reset();
    }
    auto makeUp = [&](llvm::StringRef method,
                      llvm::json::Value id) -> llvm::json::Value {
      context.takeParkedText();
      context.setRequestId(id);
      return llvm::json::Object{
          {"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}};
    };
    llvm::Expected<llvm::json::Value> doc = llvm::json::parse(json);
    if (!doc) {
      Logger::error("JSON parse error: {0}", llvm::toString(doc.takeError()));
      return makeUp(kParseErrorMethod, nullptr);
    }
    llvm::json::Object *o = doc->getAsObject();
    llvm::json::Value id = nullptr;
    if (o && o->get("id"))
      id = *o->get("id");
    if (!o ||
        o->getString("jsonrpc") != std::optional<llvm::StringRef>("2.0") ||
        (o->get("method") && !o->getString("method")) ||
        (!o->get("method") && !o->get("id"))) {
      Logger::error("not a JSON-RPC 2.0 message");
      return makeUp(kInvalidRequestMethod, std::move(id));
    }
    if (o->get("id") && o->get("method"))
      context.setRequestId(id);
    if (json.size() > kLargeTextBytes)
      parkLargeText(*o, json);
    return std::move(*doc);
  }

  //===--------------------------------------------------------------------===//
  // The fast path for a large didOpen or full-text didChange: its text is
  // unescaped where it lies in the raw message, in the buffer the document
  // keeps, before any JSON parse, so llvm::json never sees it. Anything
  // unexpected leaves the message as it was, for the general path and its error
  // replies.
  //===--------------------------------------------------------------------===//

  static size_t skipSpace(llvm::StringRef j, size_t p) {
    while (p < j.size() &&
           (j[p] == ' ' || j[p] == '\t' || j[p] == '\n' || j[p] == '\r'))
      ++p;
    return p;
  }
  /// The end of the string token at `p` (after its closing quote), or npos.
  /// Linear, by memchr: a 512 MiB string is scanned once.
  static size_t skipString(llvm::StringRef j, size_t p) {
    if (p >= j.size() || j[p] != '"')
      return llvm::StringRef::npos;
    ++p;
    size_t quote = llvm::StringRef::npos;
    while (true) {
      if (quote == llvm::StringRef::npos || quote < p) {
        quote = j.find('"', p);
        if (quote == llvm::StringRef::npos)
          return quote;
      }
      size_t backslash = j.slice(p, quote).find('\\');
      if (backslash == llvm::StringRef::npos)
        return quote + 1;
      p += backslash + 2; // the backslash and the character it escapes
    }
  }
  /// The end of the value at `p`, or npos (iterative: any nesting depth).
  static size_t skipValue(llvm::StringRef j, size_t p) {
    if (p >= j.size())
      return llvm::StringRef::npos;
    if (j[p] == '"')
      return skipString(j, p);
    if (j[p] != '{' && j[p] != '[') {
      size_t e = j.find_first_of(",}] \t\r\n", p);
      return e == p ? llvm::StringRef::npos : e;
    }
    uint64_t depth = 0;
    while (p < j.size()) {
      char c = j[p];
      if (c == '"') {
        p = skipString(j, p);
        if (p == llvm::StringRef::npos)
          return p;
        continue;
      }
      if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && --depth == 0)
        return p + 1;
      ++p;
    }
    return llvm::StringRef::npos;
  }
  /// The start of member `key`'s value in the object at `p`, or npos.
  static size_t findMember(llvm::StringRef j, size_t p, llvm::StringRef key) {
    p = skipSpace(j, p);
    if (p >= j.size() || j[p] != '{')
      return llvm::StringRef::npos;
    p = skipSpace(j, p + 1);
    while (p < j.size() && j[p] == '"') {
      size_t keyEnd = skipString(j, p);
      if (keyEnd == llvm::StringRef::npos)
        return keyEnd;
      bool match = j.slice(p + 1, keyEnd - 1) == key;
      p = skipSpace(j, keyEnd);
      if (p >= j.size() || j[p] != ':')
        return llvm::StringRef::npos;
      p = skipSpace(j, p + 1);
      if (match)
        return p;
      p = skipValue(j, p);
      if (p == llvm::StringRef::npos)
        return p;
      p = skipSpace(j, p);
      if (p >= j.size() || j[p] != ',')
        return llvm::StringRef::npos;
      p = skipSpace(j, p + 1);
    }
    return llvm::StringRef::npos;
  }
  /// Whether every byte is below 0x80 (then it is UTF-8), eight at a time.
  static bool isASCII(llvm::StringRef s) {
    const char *p = s.data(), *end = p + s.size();
    uint64_t bits = 0;
    for (; end - p >= 8; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      bits |= word;
    }
    for (; p < end; ++p)
      bits |= static_cast<unsigned char>(*p);
    return (bits & 0x8080808080808080ull) == 0;
  }
  /// Writes the UTF-8 of code point `cp` at `out`; returns past it.
  static char *putUTF8(char *out, uint32_t cp) {
    if (cp < 0x80) {
      *out++ = char(cp);
    } else if (cp < 0x800) {
      *out++ = char(0xC0 | (cp >> 6));
      *out++ = char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out++ = char(0xE0 | (cp >> 12));
      *out++ = char(0x80 | ((cp >> 6) & 0x3F));
      *out++ = char(0x80 | (cp & 0x3F));
    } else {
      *out++ = char(0xF0 | (cp >> 18));
      *out++ = char(0x80 | ((cp >> 12) & 0x3F));
      *out++ = char(0x80 | ((cp >> 6) & 0x3F));
      *out++ = char(0x80 | (cp & 0x3F));
    }
    return out;
  }
  /// Whether every escape of the JSON string contents `in` is valid (checked
  /// before unescaping in place, which cannot go back).
  static bool escapesValid(llvm::StringRef in) {
    for (size_t q = 0; (q = in.find('\\', q)) != llvm::StringRef::npos;) {
      if (q + 1 >= in.size())
        return false;
      char e = in[q + 1];
      uint32_t v;
      if (e == 'u' &&
          (q + 6 > in.size() || in.substr(q + 2, 4).getAsInteger(16, v)))
        return false;
      if (!llvm::StringRef("\"\\/bfnrtu").contains(e))
        return false;
      q += 2;
    }
    return true;
  }
  /// Unescapes the `n` bytes of valid JSON string contents at `p` where they
  /// lie (each escape is longer than what it stands for, so the output never
  /// overtakes the input); returns the length of the result.
  static size_t unescapeInPlace(char *p, size_t n) {
    llvm::StringRef in(p, n);
    char *out = p;
    auto hex4 = [&](size_t at, uint32_t &v) {
      return at + 4 <= in.size() && !in.substr(at, 4).getAsInteger(16, v);
    };
    for (size_t at = 0; at < in.size();) {
      size_t q = in.find('\\', at);
      size_t run = (q == llvm::StringRef::npos ? in.size() : q) - at;
      if (out != p + at)
        std::memmove(out, p + at, run);
      out += run;
      if (q == llvm::StringRef::npos)
        break;
      char e = in[q + 1];
      at = q + 2;
      switch (e) {
      case 'b':
        *out++ = '\b';
        break;
      case 'f':
        *out++ = '\f';
        break;
      case 'n':
        *out++ = '\n';
        break;
      case 'r':
        *out++ = '\r';
        break;
      case 't':
        *out++ = '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        hex4(at, cp);
        at += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t lo;
          if (at + 6 <= in.size() && in[at] == '\\' && in[at + 1] == 'u' &&
              hex4(at + 2, lo) && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            at += 6;
          } else {
            cp = 0xFFFD; // a lone surrogate, as llvm::json reads it
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        out = putUTF8(out, cp);
        break;
      }
      default: // '"', '\\', '/'
        *out++ = e;
      }
    }
    return out - p;
  }
  /// The start of the text of a didOpen, or of the one full-text change of
  /// a didChange, in the raw message `j`, or npos.
  static size_t findLargeText(llvm::StringRef j) {
    size_t method = findMember(j, 0, "method");
    if (method == llvm::StringRef::npos)
      return method;
    bool open = j.substr(method).starts_with("\"textDocument/didOpen\"");
    if (!open && !j.substr(method).starts_with("\"textDocument/didChange\""))
      return llvm::StringRef::npos;
    size_t params = findMember(j, 0, "params");
    if (params == llvm::StringRef::npos)
      return params;
    if (open) {
      size_t doc = findMember(j, params, "textDocument");
      return doc == llvm::StringRef::npos ? doc : findMember(j, doc, "text");
    }
    size_t changes = findMember(j, params, "contentChanges");
    if (changes == llvm::StringRef::npos || j[changes] != '[')
      return llvm::StringRef::npos;
    size_t change = skipSpace(j, changes + 1);
    size_t changeEnd = skipValue(j, change);
    if (changeEnd == llvm::StringRef::npos)
      return changeEnd;
    size_t close = skipSpace(j, changeEnd);
    // One change, without a range.
    if (close >= j.size() || j[close] != ']' ||
        findMember(j, change, "range") != llvm::StringRef::npos)
      return llvm::StringRef::npos;
    return findMember(j, change, "text");
  }
  /// The fast path for a large didOpen or full-text didChange: the text is
  /// unescaped where it lies in `message` (the raw message, in the buffer
  /// the document will keep), which is parked holding only it; `json`
  /// becomes the message with "" in the text's place, for the general path.
  /// False if the message is not one of those (nothing changed then).
  bool parkTextInPlace(std::unique_ptr<TextBuffer> &message,
                       std::string &json) {
    char *raw = reinterpret_cast<char *>(message->writable());
    llvm::StringRef j(raw, largeLength);
    size_t text = findLargeText(j);
    size_t textEnd = skipString(j, text);
    if (text == llvm::StringRef::npos || textEnd == llvm::StringRef::npos ||
        !escapesValid(j.slice(text + 1, textEnd - 1)))
      return false;
    json = (j.take_front(text) + "\"\"" + j.drop_front(textEnd)).str();
    size_t n = unescapeInPlace(raw + text + 1, textEnd - text - 2);
    llvm::StringRef contents(raw + text + 1, n);
    if (!isASCII(contents) && !llvm::json::isUTF8(contents)) {
      // Invalid UTF-8 is replaced, as llvm::json does: a copy, rarely.
      message = TextBuffer::copyOf("", llvm::json::fixUTF8(contents));
      if (!message) {
        Logger::error("no memory for a text of {0} bytes", n);
        return true;
      }
    } else {
      message->keep(text + 1, n);
    }
    context.parkText(std::move(message));
    return true;
  }

  /// A didOpen, or a didChange with one full-text change, whose text is
  /// large: the text is parked in the context and "" left in its place in
  /// the parsed message (see MessageContext.h).
  void parkLargeText(llvm::json::Object &o, std::string &json) {
    std::optional<llvm::StringRef> method = o.getString("method");
    llvm::json::Object *params = o.getObject("params");
    if (!method || !params)
      return;
    llvm::json::Value *text = nullptr;
    if (*method == "textDocument/didOpen") {
      if (llvm::json::Object *doc = params->getObject("textDocument"))
        text = doc->get("text");
    } else if (*method == "textDocument/didChange") {
      llvm::json::Array *changes = params->getArray("contentChanges");
      if (changes && changes->size() == 1)
        if (llvm::json::Object *change = (*changes)[0].getAsObject();
            change && !change->get("range"))
          text = change->get("text");
    }
    if (!text || !text->getAsString() ||
        text->getAsString()->size() <= kLargeTextBytes)
      return;
    // The raw message goes first: it is as large as the text.
    std::string().swap(json);
    std::unique_ptr<TextBuffer> buffer =
        TextBuffer::copyOf("", *text->getAsString());
    if (!buffer)
      return;
    context.parkText(std::move(buffer));
    *text = "";
  }

  std::FILE *in;
  JSONStreamStyle style;
  MessageContext &context;
  /// The text of the message being read.
  std::string raw;
  /// A large message being read, in place of `raw`, and its length.
  std::unique_ptr<TextBuffer> large;
  uint64_t largeLength = 0;
};
} // namespace

MessageInput::~MessageInput() = default;

std::unique_ptr<MessageInput>
mlirscope::lspserver::createMessageInput(std::FILE *in, JSONStreamStyle style,
                                         MessageContext &context) {
  return std::make_unique<Input>(in, style, context);
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

/// The error of a reply to one of our requests, as JSONTransport reads it.
static llvm::Error decodeError(const llvm::json::Object &error) {
  llvm::StringRef message =
      error.getString("message").value_or("Unspecified error");
  if (std::optional<int64_t> code = error.getInteger("code"))
    return llvm::make_error<LSPError>(message.str(), ErrorCode(*code));
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Hands `message` to `handler` as JSONTransport::handleMessage does;
/// returns false after `exit`.
static bool dispatch(llvm::json::Value message, MessageHandler &handler) {
  llvm::json::Object *o = message.getAsObject();
  // Input::read makes up a call for anything else.
  if (!o || o->getString("jsonrpc") != std::optional<llvm::StringRef>("2.0"))
    return false;
  std::optional<llvm::json::Value> id;
  if (llvm::json::Value *i = o->get("id"))
    id = std::move(*i);
  std::optional<llvm::StringRef> method = o->getString("method");
  if (!method) {
    if (!id)
      return false;
    if (llvm::json::Object *error = o->getObject("error"))
      return handler.onReply(std::move(*id), decodeError(*error));
    llvm::json::Value result = nullptr;
    if (llvm::json::Value *r = o->get("result"))
      result = std::move(*r);
    return handler.onReply(std::move(*id), std::move(result));
  }
  llvm::json::Value params = nullptr;
  if (llvm::json::Value *p = o->get("params"))
    params = std::move(*p);
  if (id)
    return handler.onCall(*method, std::move(params), std::move(*id));
  return handler.onNotify(*method, std::move(params));
}

llvm::Error mlirscope::lspserver::dispatchMessages(MessageInput &input,
                                                   MessageHandler &handler) {
  llvm::json::Value message = nullptr;
  while (!input.isEndOfInput()) {
    if (input.hasError())
      return llvm::errorCodeToError(
          std::error_code(errno, std::system_category()));
    if (succeeded(input.read(message)) &&
        !dispatch(std::move(message), handler))
      return llvm::Error::success();
  }
  return llvm::errorCodeToError(std::make_error_code(std::errc::io_error));
}
