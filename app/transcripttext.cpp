#include "transcripttext.h"

#include <cstring>

#include <QDateTime>

namespace TranscriptText {

namespace {

constexpr char hexDigits[] = "0123456789abcdef";

// A valid UTF-8 sequence: its length in bytes and the code point it encodes.
struct Utf8Sequence {
    qsizetype length = 0; // 0: the byte at the position starts no valid sequence
    char32_t codePoint = 0;
};

// Decodes the sequence starting at bytes[pos] by the rules of RFC 3629:
// no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
// no truncated sequences.
Utf8Sequence decodeUtf8(QByteArrayView bytes, qsizetype pos)
{
    const auto lead = static_cast<uchar>(bytes[pos]);
    qsizetype length = 0;
    char32_t codePoint = 0;
    uchar low = 0x80; // allowed range of the second byte
    uchar high = 0xBF;
    if (lead < 0x80) {
        return {1, lead};
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0Fu;
        if (lead == 0xE0)
            low = 0xA0; // overlong below U+0800
        else if (lead == 0xED)
            high = 0x9F; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07u;
        if (lead == 0xF0)
            low = 0x90; // overlong below U+10000
        else if (lead == 0xF4)
            high = 0x8F; // above U+10FFFF
    } else {
        return {};
    }
    if (bytes.size() - pos < length)
        return {};
    for (qsizetype i = 1; i < length; ++i) {
        const auto byte = static_cast<uchar>(bytes[pos + i]);
        if (byte < low || byte > high)
            return {};
        low = 0x80;
        high = 0xBF;
        codePoint = (codePoint << 6) | (byte & 0x3Fu);
    }
    return {length, codePoint};
}

// C1 controls, the line and paragraph separators, and the bidirectional /
// invisible formatting characters that could reorder or hide text on the
// reader's screen.
bool isFormattingCharacter(char32_t c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F)
        || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

void appendHex(QString &out, char32_t value, int digits)
{
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += QLatin1Char(hexDigits[(value >> shift) & 0xFu]);
}

void appendByteEscape(QString &out, uchar byte)
{
    out += QLatin1String("\\x");
    appendHex(out, byte, 2);
}

void appendAscii(QString &out, uchar byte)
{
    switch (byte) {
    case '\\':
        out += QLatin1String("\\\\");
        break;
    case '\r':
        out += QLatin1String("\\r");
        break;
    case '\n':
        out += QLatin1String("\\n");
        break;
    case '\t':
        out += QLatin1String("\\t");
        break;
    case '\0':
        out += QLatin1String("\\0");
        break;
    default:
        if (byte < 0x20 || byte == 0x7F)
            appendByteEscape(out, byte);
        else
            out += QLatin1Char(static_cast<char>(byte));
    }
}

void appendCodePoint(QString &out, char32_t codePoint)
{
    if (isFormattingCharacter(codePoint)) {
        out += QLatin1String("\\u{");
        appendHex(out, codePoint, 4);
        out += QLatin1Char('}');
    } else if (QChar::requiresSurrogates(codePoint)) {
        out += QChar(QChar::highSurrogate(codePoint));
        out += QChar(QChar::lowSurrogate(codePoint));
    } else {
        out += QChar(static_cast<char16_t>(codePoint));
    }
}

// How escape() treats a byte on its own.
enum ByteClass : uchar {
    Plain = 0, // printable ASCII but "\\": itself
    Short = 1, // "\\", "\r", "\n", "\t", "\0"
    Hex = 2,   // other C0 controls, DEL, and bytes that start no valid UTF-8 sequence: "\xHH"
    Lead = 3,  // may start a multi-byte sequence (0xC2..0xF4): decoded
};

struct ByteTables {
    uchar byteClass[256] = {};
    char shortEscape[128] = {}; // the letter after "\\" of a Short byte
};

constexpr ByteTables makeByteTables()
{
    ByteTables t;
    for (int b = 0; b < 256; ++b) {
        if (b >= 0x20 && b < 0x7F)
            t.byteClass[b] = Plain;
        else if (b >= 0xC2 && b <= 0xF4)
            t.byteClass[b] = Lead;
        else
            t.byteClass[b] = Hex;
    }
    const char shortBytes[] = {'\\', '\r', '\n', '\t', '\0'};
    const char letters[] = {'\\', 'r', 'n', 't', '0'};
    for (int i = 0; i < 5; ++i) {
        t.byteClass[uchar(shortBytes[i])] = Short;
        t.shortEscape[uchar(shortBytes[i])] = letters[i];
    }
    return t;
}

constexpr ByteTables byteTables = makeByteTables();

// The fast escape() shared by escape() (Char = char16_t, UTF-16) and
// appendEscaped() (Char = char, UTF-8): runs of plain ASCII are copied at
// once, single bytes classified by a table, and only a byte that may start a
// multi-byte sequence is decoded. `out` has room for 4 units per byte.
// Returns the end of what was written.
template<typename Char>
Char *escapeInto(const uchar *data, qsizetype size, Char *out)
{
    const QByteArrayView view(data, size);
    const auto hex2 = [&out](uchar byte) {
        *out++ = Char('\\');
        *out++ = Char('x');
        *out++ = Char(hexDigits[byte >> 4]);
        *out++ = Char(hexDigits[byte & 0xF]);
    };
    qsizetype pos = 0;
    while (pos < size) {
        qsizetype run = pos;
        while (run < size && byteTables.byteClass[data[run]] == Plain)
            ++run;
        if constexpr (sizeof(Char) == 1) {
            if (run > pos) {
                std::memcpy(out, data + pos, size_t(run - pos));
                out += run - pos;
            }
        } else {
            for (qsizetype i = pos; i < run; ++i)
                *out++ = Char(data[i]);
        }
        pos = run;
        if (pos >= size)
            break;
        const uchar byte = data[pos];
        switch (byteTables.byteClass[byte]) {
        case Short:
            *out++ = Char('\\');
            *out++ = Char(byteTables.shortEscape[byte]);
            ++pos;
            break;
        case Hex:
            hex2(byte);
            ++pos;
            break;
        default: {
            const Utf8Sequence sequence = decodeUtf8(view, pos);
            if (sequence.length == 0) {
                hex2(byte); // the next byte starts afresh
                ++pos;
                break;
            }
            const char32_t c = sequence.codePoint;
            if (isFormattingCharacter(c)) {
                *out++ = Char('\\');
                *out++ = Char('u');
                *out++ = Char('{');
                for (int shift = 12; shift >= 0; shift -= 4)
                    *out++ = Char(hexDigits[(c >> shift) & 0xFu]);
                *out++ = Char('}');
            } else if constexpr (sizeof(Char) == 1) {
                // Valid UTF-8 re-encodes to the same bytes.
                std::memcpy(out, data + pos, size_t(sequence.length));
                out += sequence.length;
            } else if (QChar::requiresSurrogates(c)) {
                *out++ = QChar::highSurrogate(c);
                *out++ = QChar::lowSurrogate(c);
            } else {
                *out++ = Char(c);
            }
            pos += sequence.length;
            break;
        }
        }
    }
    return out;
}

// What follows the marker of a data entry's lines: "(source) " or " ".
QString dataHead(const Transcript::Entry &entry, bool withTimes)
{
    // A datagram's source follows the marker without a space, "<(127.0.0.1:53) ",
    // so that it cannot be mistaken for data.
    const QString time = withTimes ? timePrefix(entry) : QString();
    const QString source = entry.source.isEmpty()
        ? QString()
        : QLatin1Char('(') + escape(entry.source.toUtf8()) + QLatin1Char(')');
    return time + marker(entry.direction) + source + QLatin1Char(' ');
}

} // namespace

QString escape(QByteArrayView bytes)
{
    // No byte becomes more than 4 UTF-16 units ("\xHH"; a formatting
    // character's 2 or 3 bytes become 8, "\u{HHHH}").
    QString out(bytes.size() * 4, Qt::Uninitialized);
    char16_t *begin = reinterpret_cast<char16_t *>(out.data());
    char16_t *end = escapeInto(reinterpret_cast<const uchar *>(bytes.data()), bytes.size(), begin);
    const qsizetype length = end - begin;
    out.resize(length);
    if (out.capacity() > 2 * length + 64)
        out.squeeze();
    return out;
}

qsizetype byteAtColumn(QByteArrayView bytes, qsizetype column)
{
    // The same walk as escape(), counting columns instead of keeping them.
    QString unit;
    qsizetype at = 0;
    for (qsizetype pos = 0; pos < bytes.size();) {
        const auto byte = static_cast<uchar>(bytes[pos]);
        qsizetype length = 1;
        unit.clear();
        if (byte < 0x80) {
            appendAscii(unit, byte);
        } else {
            const Utf8Sequence sequence = decodeUtf8(bytes, pos);
            if (sequence.length == 0) {
                appendByteEscape(unit, byte);
            } else {
                appendCodePoint(unit, sequence.codePoint);
                length = sequence.length;
            }
        }
        if (column < at + unit.size())
            return pos;
        at += unit.size();
        pos += length;
    }
    return bytes.size();
}

void appendEscaped(QByteArrayView bytes, QByteArray &out)
{
    // Written in place: no byte becomes more than 4 ("\xHH"; a formatting
    // character's 2 or 3 bytes become 8, "\u{HHHH}").
    const qsizetype start = out.size();
    out.resize(start + bytes.size() * 4);
    char *end = escapeInto(reinterpret_cast<const uchar *>(bytes.data()), bytes.size(), out.data() + start);
    out.resize(end - out.constData());
}

// A byte 0x0A is never part of a multi-byte UTF-8 sequence, so cutting the
// bytes after each one and escaping the pieces equals escaping the whole.
QStringList splitLines(QByteArrayView bytes)
{
    QStringList lines;
    for (qsizetype start = 0; start < bytes.size();) {
        const qsizetype newline = bytes.indexOf('\n', start);
        const qsizetype end = newline < 0 ? bytes.size() : newline + 1;
        lines.append(escape(bytes.sliced(start, end - start)));
        start = end;
    }
    return lines;
}

QString relativeTime(qint64 tMs)
{
    const qint64 magnitude = tMs < 0 ? -tMs : tMs;
    return QStringLiteral("%1%2.%3s")
        .arg(QLatin1Char(tMs < 0 ? '-' : '+'))
        .arg(magnitude / 1000)
        .arg(magnitude % 1000, 3, 10, QLatin1Char('0'));
}

QString isoTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString marker(Transcript::Direction direction)
{
    return direction == Transcript::Direction::Sent ? QStringLiteral(">") : QStringLiteral("<");
}

QString eventMarker()
{
    return QStringLiteral("*");
}

QString describeEvent(const QString &name, const QString &detail)
{
    // The phrase, then the detail between `before` and `after` if there is one.
    const auto describe = [&detail](const QString &phrase, const char *before, const char *after = "") {
        return detail.isEmpty() ? phrase : phrase + QLatin1String(before) + detail + QLatin1String(after);
    };
    if (name == TranscriptEvent::connecting())
        return describe(QStringLiteral("connecting"), " to ");
    if (name == TranscriptEvent::lookedUp())
        return describe(QStringLiteral("resolved"), " to ");
    if (name == TranscriptEvent::connected())
        return describe(QStringLiteral("connected"), " to ");
    if (name == TranscriptEvent::closedByPeer())
        return describe(QStringLiteral("closed by peer"), " (", ")");
    if (name == TranscriptEvent::disconnected())
        return detail.isEmpty() ? QStringLiteral("disconnected by user") : describe(QStringLiteral("disconnected"), " (", ")");
    if (name == TranscriptEvent::idleTimeout())
        return describe(QStringLiteral("idle timeout"), " (", ")");
    if (name == TranscriptEvent::unsent())
        return describe(QStringLiteral("not sent"), " (", ")");
    if (name == TranscriptEvent::proxy())
        return describe(QStringLiteral("through proxy"), " ");
    if (name == TranscriptEvent::bound())
        return describe(QStringLiteral("bound"), " to ");
    if (name == TranscriptEvent::halfClosed())
        return describe(QStringLiteral("sending side closed"), " (", ")");
    if (name == TranscriptEvent::sendFailed())
        return describe(QStringLiteral("not sent"), ": ");
    return describe(name, ": "); // "error: detail", and any other event
}

QString timePrefix(const Transcript::Entry &entry)
{
    return QLatin1Char('[') + relativeTime(entry.tMs) + QLatin1Char(' ') + isoTime(entry.wallMs) + QLatin1String("] ");
}

QStringList entryLines(const Transcript::Entry &entry, QByteArrayView bytes, bool withTimes)
{
    const QString time = withTimes ? timePrefix(entry) : QString();
    if (entry.kind == Transcript::Kind::Event) {
        // Event text comes from the peer or the system too: escaped, one line.
        return {time + eventMarker() + QLatin1Char(' ') + escape(describeEvent(entry.event, entry.detail).toUtf8())};
    }
    const QString head = dataHead(entry, withTimes);
    QStringList lines = splitLines(bytes);
    for (QString &line : lines)
        line.prepend(head);
    return lines;
}

void appendEntryLines(const Transcript::Entry &entry, QByteArrayView bytes, bool withTimes, QByteArray &out)
{
    if (entry.kind == Transcript::Kind::Event) {
        for (const QString &line : entryLines(entry, bytes, withTimes)) {
            out += line.toUtf8();
            out += '\n';
        }
        return;
    }
    const QByteArray head = dataHead(entry, withTimes).toUtf8();
    for (qsizetype start = 0; start < bytes.size();) {
        const qsizetype newline = bytes.indexOf('\n', start);
        const qsizetype end = newline < 0 ? bytes.size() : newline + 1;
        out += head;
        appendEscaped(bytes.sliced(start, end - start), out);
        out += '\n';
        start = end;
    }
}

} // namespace TranscriptText
