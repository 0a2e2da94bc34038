#include "transcriptio.h"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "session.h"
#include "transcript.h"
#include "transcriptsnapshot.h"
#include "transcripttext.h"
#include "version.h"

namespace TranscriptIO {

namespace {

constexpr int jsonlVersion = 1;
const QLatin1String jsonlFormat("socketeer-transcript");
const Format allFormats[] = {Format::Raw, Format::Text, Format::Hexdump, Format::Jsonl};

QString tr(const char *text)
{
    return QCoreApplication::translate("TranscriptIO", text);
}

QStringList suffixes(Format format)
{
    switch (format) {
    case Format::Raw:
        return {QStringLiteral("bin"), QStringLiteral("raw")};
    case Format::Text:
        return {QStringLiteral("txt"), QStringLiteral("log")};
    case Format::Hexdump:
        return {QStringLiteral("hex"), QStringLiteral("hexdump")};
    case Format::Jsonl:
        return {QStringLiteral("jsonl")};
    }
    return {};
}

// ---- writing ----

// Gathers output into blocks of about blockSize bytes and writes each block
// completely, retrying short writes, so that an unbuffered device gets few
// large writes and a failure reports the device's own reason (a short write
// alone says nothing; the write after it does). A piece of at least
// blockSize bytes is written as it is, without copying. It also reports
// progress: advance() calls the caller's callback, and a callback that
// returns false cancels (message "cancelled").
class Output
{
public:
    static constexpr qsizetype blockSize = 256 * 1024;

    Output(QIODevice *device, QString *errorMessage, const Progress &progress, qint64 total)
        : m_device(device)
        , m_errorMessage(errorMessage)
        , m_progress(progress)
        , m_total(total)
    {
    }

    // Where renderers append; call commit() after appending.
    QByteArray &block() { return m_block; }
    bool commit() { return m_block.size() < blockSize || flush(); }

    bool add(QByteArrayView bytes)
    {
        if (m_block.isEmpty() && bytes.size() >= blockSize)
            return writeAll(bytes);
        m_block.append(bytes);
        return commit();
    }

    bool flush()
    {
        if (!writeAll(m_block))
            return false;
        m_block.resize(0); // keeps the capacity
        return true;
    }

    bool advance(qint64 done)
    {
        if (!m_progress || m_progress(done, m_total))
            return true;
        m_cancelled = true;
        if (m_errorMessage)
            *m_errorMessage = tr("cancelled");
        return false;
    }

    bool cancelled() const { return m_cancelled; }

    // The transcript's own store could not give back what it holds: the
    // file would be short, so the save fails rather than succeed quietly.
    bool storeReadFailed()
    {
        if (m_errorMessage)
            *m_errorMessage = tr("cannot read the transcript's stored data");
        return false;
    }

private:
    bool writeAll(QByteArrayView bytes)
    {
        for (qsizetype done = 0; done < bytes.size();) {
            const qint64 written = m_device->write(bytes.data() + done, bytes.size() - done);
            if (written <= 0) {
                if (m_errorMessage)
                    *m_errorMessage = m_device->errorString();
                return false;
            }
            done += written;
        }
        return true;
    }

    QIODevice *m_device;
    QString *m_errorMessage;
    const Progress &m_progress;
    qint64 m_total;
    QByteArray m_block;
    bool m_cancelled = false;
};

// Serves the bytes of entries, in order, from large reads of each
// direction's stream rather than one read per entry.
class StreamCache
{
public:
    static constexpr qint64 readSize = 1024 * 1024;

    explicit StreamCache(const TranscriptSnapshot &snapshot) : m_snapshot(snapshot) {}

    QByteArrayView bytes(const Transcript::Entry &entry)
    {
        const int i = entry.direction == Transcript::Direction::Sent ? 0 : 1;
        QByteArray &block = m_block[i];
        if (entry.offset < m_start[i] || entry.offset + entry.size > m_start[i] + block.size()) {
            block = m_snapshot.read(entry.direction, entry.offset, std::max(readSize, entry.size));
            m_start[i] = entry.offset;
        }
        const qint64 from = entry.offset - m_start[i];
        if (from >= block.size())
            return {}; // short read: the caller reports it
        return QByteArrayView(block).sliced(from, std::min(entry.size, block.size() - from));
    }

private:
    const TranscriptSnapshot &m_snapshot;
    QByteArray m_block[2];
    qint64 m_start[2] = {0, 0};
};

// Text from the transcript itself (host, event details) on one safe line.
QByteArray oneLine(const QString &text)
{
    return TranscriptText::escape(text.toUtf8()).toUtf8();
}

QByteArray endpoint(const TranscriptSnapshot &transcript)
{
    return oneLine(Session::formatEndpoint(transcript.host(), transcript.port()));
}

// A transcript that never started records the Unix epoch as its start.
qint64 startMs(const TranscriptSnapshot &transcript)
{
    return transcript.startTime().isValid() ? transcript.startTime().toMSecsSinceEpoch() : 0;
}

QByteArray iso(qint64 wallMs)
{
    return TranscriptText::isoTime(wallMs).toLatin1();
}

QByteArray times(const Transcript::Entry &entry)
{
    return TranscriptText::relativeTime(entry.tMs).toLatin1() + ' ' + iso(entry.wallMs);
}

QByteArray headerLine(const TranscriptSnapshot &transcript)
{
    return "# Socketeer transcript of " + endpoint(transcript) + ", started " + iso(startMs(transcript)) + '\n';
}

bool writeRaw(const TranscriptSnapshot &transcript, Output &out)
{
    const auto received = Transcript::Direction::Received;
    const qint64 total = transcript.totalBytes(received);
    if (!out.advance(0))
        return false;
    for (qint64 offset = 0; offset < total;) {
        const QByteArray block = transcript.read(received, offset, StreamCache::readSize);
        if (block.isEmpty())
            return out.storeReadFailed(); // the snapshot holds `total` bytes
        offset += block.size();
        if (!out.add(block) || !out.advance(offset))
            return false;
    }
    return out.flush();
}

void textEntry(const Transcript::Entry &entry, QByteArrayView bytes, QByteArray &out)
{
    TranscriptText::appendEntryLines(entry, bytes, true, out);
}

QByteArray hexOffset(qint64 offset)
{
    return QByteArray::number(offset, 16).rightJustified(8, '0');
}

// Appends exactly what `hexdump -C -v` prints for a file holding just
// `bytes`: full rows are written straight into the output.
void hexdump(QByteArrayView bytes, QByteArray &out)
{
    constexpr char digits[] = "0123456789abcdef";
    constexpr qsizetype perLine = 16;
    constexpr qsizetype lineLength = 79; // "%08x  " 16 x "hh " + 1 " |" 16 "|\n"
    if (bytes.isEmpty())
        return;
    const qsizetype start = out.size();
    out.resize(start + (bytes.size() / perLine + 1) * lineLength + 16);
    char *p = out.data() + start;
    for (qsizetype line = 0; line < bytes.size(); line += perLine) {
        const qsizetype rowSize = std::min(perLine, bytes.size() - line);
        const auto *row = reinterpret_cast<const uchar *>(bytes.data() + line);
        for (int shift = 28; shift >= 0; shift -= 4) // 8 digits: a chunk is far below 4 GiB
            *p++ = digits[(line >> shift) & 0xF];
        *p++ = ' ';
        *p++ = ' ';
        for (qsizetype i = 0; i < perLine; ++i) {
            if (i < rowSize) {
                *p++ = digits[row[i] >> 4];
                *p++ = digits[row[i] & 0xF];
            } else {
                *p++ = ' ';
                *p++ = ' ';
            }
            *p++ = ' ';
            if (i == 7)
                *p++ = ' ';
        }
        *p++ = ' ';
        *p++ = '|';
        for (qsizetype i = 0; i < rowSize; ++i)
            *p++ = (row[i] >= 0x20 && row[i] < 0x7F) ? char(row[i]) : '.';
        *p++ = '|';
        *p++ = '\n';
    }
    const QByteArray end = hexOffset(bytes.size());
    p = std::copy(end.cbegin(), end.cend(), p);
    *p++ = '\n';
    out.resize(p - out.constData());
}

void hexdumpEntry(const Transcript::Entry &entry, QByteArrayView bytes, QByteArray &out)
{
    if (entry.kind == Transcript::Kind::Event) {
        const QString event = entry.detail.isEmpty() ? entry.event : entry.event + QLatin1String(": ") + entry.detail;
        out += "# event " + times(entry) + ' ' + oneLine(event) + '\n';
        return;
    }
    const bool sent = entry.direction == Transcript::Direction::Sent;
    out += QByteArray(sent ? "# sent " : "# received ") + times(entry) + " offset " + QByteArray::number(entry.offset)
        + ", " + QByteArray::number(entry.size) + (entry.size == 1 ? " byte" : " bytes")
        + (entry.source.isEmpty() ? QByteArray() : " from " + oneLine(entry.source)) + '\n';
    hexdump(bytes, out);
}

// One JSON object on one line, its keys in the order they are added, so
// that every line starts with "type" as docs/transcript-format.md shows.
class JsonLine
{
public:
    JsonLine &add(const char *key, const QString &value)
    {
        appendKey(key);
        m_line += '"';
        QString escaped;
        escaped.reserve(value.size());
        for (const QChar c : value) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\')) {
                escaped += QLatin1Char('\\');
                escaped += c;
            } else if (c.unicode() < 0x20) {
                escaped += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            } else {
                escaped += c;
            }
        }
        m_line += escaped.toUtf8();
        m_line += '"';
        return *this;
    }
    // A string of characters that need no escaping (such as base64), as is.
    JsonLine &addPlain(const char *key, QByteArrayView value)
    {
        appendKey(key);
        m_line += '"';
        m_line += value;
        m_line += '"';
        return *this;
    }
    JsonLine &add(const char *key, qint64 value)
    {
        appendKey(key);
        m_line += QByteArray::number(value);
        return *this;
    }
    QByteArray finish() { return m_line + "}\n"; }

private:
    void appendKey(const char *key)
    {
        m_line += m_line.isEmpty() ? "{\"" : ",\"";
        m_line += key;
        m_line += "\":";
    }
    QByteArray m_line;
};

QByteArray jsonlHeader(const TranscriptSnapshot &transcript)
{
    return JsonLine()
        .add("type", QStringLiteral("header"))
        .add("format", QString(jsonlFormat))
        .add("version", jsonlVersion)
        .add("host", transcript.host())
        .add("port", transcript.port())
        .add("start", TranscriptText::isoTime(startMs(transcript)))
        .add("generator", QStringLiteral("socketeer " SOCKETEER_VERSION))
        .finish();
}

void jsonlEntry(const Transcript::Entry &entry, QByteArrayView bytes, QByteArray &out)
{
    JsonLine line;
    if (entry.kind == Transcript::Kind::Data) {
        const bool sent = entry.direction == Transcript::Direction::Sent;
        line.add("type", QStringLiteral("data"))
            .add("dir", sent ? QStringLiteral("sent") : QStringLiteral("recv"))
            .add("t_ms", entry.tMs)
            .add("time", TranscriptText::isoTime(entry.wallMs))
            .add("offset", entry.offset)
            .addPlain("data", bytes.toByteArray().toBase64());
        if (!entry.source.isEmpty())
            line.add("from", entry.source);
        out += line.finish();
        return;
    }
    out += line.add("type", QStringLiteral("event"))
               .add("t_ms", entry.tMs)
               .add("time", TranscriptText::isoTime(entry.wallMs))
               .add("event", entry.event)
               .add("detail", entry.detail)
               .finish();
}

using Render = void (*)(const Transcript::Entry &, QByteArrayView, QByteArray &);

// A header, then each entry as `render` makes it. Progress counts the data
// bytes of the entries written.
bool writeEntries(const TranscriptSnapshot &transcript, const QByteArray &header, Render render, Output &out)
{
    StreamCache cache(transcript);
    qint64 done = 0;
    if (!out.advance(done) || !out.add(header))
        return false;
    const qint64 count = transcript.entryCount();
    for (qint64 i = 0; i < count; ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        const bool isData = entry.kind == Transcript::Kind::Data;
        const QByteArrayView bytes = isData ? cache.bytes(entry) : QByteArrayView();
        if (bytes.size() != (isData ? entry.size : 0))
            return out.storeReadFailed();
        render(entry, bytes, out.block());
        if (!out.commit())
            return false;
        if (isData) {
            done += entry.size;
            if (!out.advance(done))
                return false;
        }
    }
    return out.flush();
}

// ---- reading ----

// Reads the objects of a JSONL transcript one line at a time. Each read
// function returns false with a message (without line number) on damage.
class JsonlReader
{
public:
    explicit JsonlReader(Transcript *into) : m_transcript(into) {}

    bool hasHeader() const { return m_hasHeader; }

    bool readLine(const QByteArray &line, QString *message)
    {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            *message = tr("invalid JSON: %1 at character %2").arg(parseError.errorString()).arg(parseError.offset + 1);
            return false;
        }
        if (!document.isObject()) {
            *message = tr("not a JSON object");
            return false;
        }
        const QJsonObject object = document.object();
        QString type;
        if (!stringField(object, "type", &type, message))
            return false;
        const bool isHeader = type == QLatin1String("header");
        if (!m_hasHeader) {
            if (!isHeader) {
                *message = tr("missing header: a transcript starts with a \"header\" line");
                return false;
            }
            return readHeader(object, message);
        }
        if (isHeader) {
            *message = tr("a second header");
            return false;
        }
        if (type == QLatin1String("data"))
            return readData(object, message);
        if (type == QLatin1String("event"))
            return readEvent(object, message);
        return true; // a type from a later version: ignored
    }

private:
    static QString quoted(const char *key) { return QLatin1Char('"') + QLatin1String(key) + QLatin1Char('"'); }

    static QJsonValue field(const QJsonObject &object, const char *key, QString *message)
    {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isUndefined())
            *message = tr("missing field %1").arg(quoted(key));
        return value;
    }

    static bool stringField(const QJsonObject &object, const char *key, QString *value, QString *message)
    {
        const QJsonValue json = field(object, key, message);
        if (json.isUndefined())
            return false;
        if (!json.isString()) {
            *message = tr("field %1 must be a string").arg(quoted(key));
            return false;
        }
        *value = json.toString();
        return true;
    }

    // Integers up to 2^53, the range JSON numbers hold exactly everywhere.
    static bool integerField(const QJsonObject &object, const char *key, qint64 *value, QString *message)
    {
        const QJsonValue json = field(object, key, message);
        if (json.isUndefined())
            return false;
        const double number = json.toDouble();
        if (!json.isDouble() || std::floor(number) != number || std::abs(number) > 9007199254740992.0) {
            *message = tr("field %1 must be an integer").arg(quoted(key));
            return false;
        }
        *value = json.toInteger();
        return true;
    }

    // An ISO 8601 date and time with its zone ("Z" or an offset).
    static bool timeField(const QJsonObject &object, const char *key, QDateTime *value, QString *message)
    {
        QString text;
        if (!stringField(object, key, &text, message))
            return false;
        const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!time.isValid() || time.timeSpec() == Qt::LocalTime) {
            *message = tr("field %1 must be an ISO 8601 time with a zone, such as \"2026-11-25T17:04:32.123Z\"")
                           .arg(quoted(key));
            return false;
        }
        *value = time.toUTC();
        return true;
    }

    bool readHeader(const QJsonObject &object, QString *message)
    {
        QString format;
        if (!stringField(object, "format", &format, message))
            return false;
        if (format != jsonlFormat) {
            *message = tr("not a Socketeer transcript (format \"%1\")").arg(TranscriptText::escape(format.toUtf8()));
            return false;
        }
        qint64 version = 0;
        if (!integerField(object, "version", &version, message))
            return false;
        if (version > jsonlVersion) {
            *message = tr("written in format version %1 by a newer Socketeer; this one reads version %2")
                           .arg(version)
                           .arg(jsonlVersion);
            return false;
        }
        if (version != jsonlVersion) {
            *message = tr("unsupported format version %1").arg(version);
            return false;
        }
        QString host;
        qint64 port = 0;
        QDateTime start;
        if (!stringField(object, "host", &host, message) || !integerField(object, "port", &port, message)
            || !timeField(object, "start", &start, message))
            return false;
        if (port < 0 || port > 65535) {
            *message = tr("field \"port\" must be between 0 and 65535");
            return false;
        }
        m_transcript->setPeer(host, static_cast<quint16>(port));
        m_transcript->setStartTime(start);
        m_hasHeader = true;
        return true;
    }

    bool readData(const QJsonObject &object, QString *message)
    {
        QString dir;
        if (!stringField(object, "dir", &dir, message))
            return false;
        const bool sent = dir == QLatin1String("sent");
        if (!sent && dir != QLatin1String("recv")) {
            *message = tr("field \"dir\" must be \"sent\" or \"recv\"");
            return false;
        }
        const auto direction = sent ? Transcript::Direction::Sent : Transcript::Direction::Received;
        qint64 tMs = 0;
        QDateTime time;
        qint64 offset = 0;
        QString data;
        if (!integerField(object, "t_ms", &tMs, message) || !timeField(object, "time", &time, message)
            || !integerField(object, "offset", &offset, message) || !stringField(object, "data", &data, message))
            return false;
        const auto decoded =
            QByteArray::fromBase64Encoding(data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            *message = tr("field \"data\" is not valid base64");
            return false;
        }
        QString source; // optional: a datagram's sender
        if (object.contains(QLatin1String("from")) && !stringField(object, "from", &source, message))
            return false;
        const qint64 expected = m_transcript->totalBytes(direction);
        if (offset != expected) {
            *message = tr("offset %1 where %2 was expected: data lines are missing or out of order")
                           .arg(offset)
                           .arg(expected);
            return false;
        }
        m_transcript->appendDataAt(direction, *decoded, tMs, time.toMSecsSinceEpoch(), source);
        return true;
    }

    bool readEvent(const QJsonObject &object, QString *message)
    {
        qint64 tMs = 0;
        QDateTime time;
        QString name;
        QString detail;
        if (!integerField(object, "t_ms", &tMs, message) || !timeField(object, "time", &time, message)
            || !stringField(object, "event", &name, message) || !stringField(object, "detail", &detail, message))
            return false;
        m_transcript->appendEventAt(name, detail, tMs, time.toMSecsSinceEpoch());
        return true;
    }

    Transcript *m_transcript;
    bool m_hasHeader = false;
};

} // namespace

std::optional<Format> formatForFileName(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    for (const Format format : allFormats) {
        if (suffixes(format).contains(suffix))
            return format;
    }
    return std::nullopt;
}

std::optional<Format> formatByName(const QString &name)
{
    for (const Format format : allFormats) {
        if (formatName(format) == name)
            return format;
    }
    return std::nullopt;
}

QString formatName(Format format)
{
    switch (format) {
    case Format::Raw:
        return QStringLiteral("raw");
    case Format::Text:
        return QStringLiteral("text");
    case Format::Hexdump:
        return QStringLiteral("hexdump");
    case Format::Jsonl:
        return QStringLiteral("jsonl");
    }
    return {};
}

QString defaultSuffix(Format format)
{
    return suffixes(format).constFirst();
}

QString fileDialogFilter(Format format)
{
    QString description;
    switch (format) {
    case Format::Raw:
        description = tr("Raw received bytes");
        break;
    case Format::Text:
        description = tr("Text transcript");
        break;
    case Format::Hexdump:
        description = tr("Hex dump");
        break;
    case Format::Jsonl:
        description = tr("JSON Lines transcript");
        break;
    }
    QStringList patterns;
    for (const QString &suffix : suffixes(format))
        patterns.append(QLatin1String("*.") + suffix);
    return description + QLatin1String(" (") + patterns.join(QLatin1Char(' ')) + QLatin1Char(')');
}

qint64 progressTotal(const TranscriptSnapshot &snapshot, Format format)
{
    const qint64 received = snapshot.totalBytes(Transcript::Direction::Received);
    return format == Format::Raw ? received : received + snapshot.totalBytes(Transcript::Direction::Sent);
}

bool write(const TranscriptSnapshot &snapshot, Format format, QIODevice *device, QString *errorMessage,
           const Progress &progress)
{
    Output out(device, errorMessage, progress, progressTotal(snapshot, format));
    switch (format) {
    case Format::Raw:
        return writeRaw(snapshot, out);
    case Format::Text:
        return writeEntries(snapshot, headerLine(snapshot), textEntry, out);
    case Format::Hexdump:
        return writeEntries(snapshot, headerLine(snapshot), hexdumpEntry, out);
    case Format::Jsonl:
        return writeEntries(snapshot, jsonlHeader(snapshot), jsonlEntry, out);
    }
    return false;
}

bool write(const Transcript &transcript, Format format, QIODevice *device, QString *errorMessage,
           const Progress &progress)
{
    return write(transcript.snapshot(), format, device, errorMessage, progress);
}

bool save(const TranscriptSnapshot &snapshot, Format format, const QString &path, QString *errorMessage,
          const Progress &progress)
{
    // Unbuffered: write() hands over whole blocks, and an unbuffered
    // QSaveFile reports the reason for a failed write (such as a full disk).
    QSaveFile file(path);
    QString reason;
    bool cancelled = false;
    const Progress watched = [&progress, &cancelled](qint64 done, qint64 total) {
        cancelled = !progress(done, total);
        return !cancelled;
    };
    const bool saved = file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && write(snapshot, format, &file, &reason, progress ? watched : Progress()) && file.commit();
    if (cancelled)
        file.cancelWriting(); // the temporary file goes; an old file stays as it was
    if (!saved && errorMessage) {
        *errorMessage = tr("Cannot save %1: %2")
                            .arg(QDir::toNativeSeparators(path), reason.isEmpty() ? file.errorString() : reason);
    }
    return saved;
}

bool save(const Transcript &transcript, Format format, const QString &path, QString *errorMessage,
          const Progress &progress)
{
    return save(transcript.snapshot(), format, path, errorMessage, progress);
}

QString ReadError::toString() const
{
    return line > 0 ? tr("line %1: %2").arg(line).arg(message) : message;
}

namespace {
// The next line of `device` with its '\n': at most `limit` + 1 bytes, so a
// result longer than `limit` tells a line that is too long. Empty at the
// end or on a read error. The buffer grows with the line (QIODevice's
// readLine(maxSize) allocates maxSize bytes for every line).
QByteArray readLineUpTo(QIODevice *device, qint64 limit)
{
    QByteArray line;
    qint64 size = 0;
    for (qint64 step = 64 * 1024;; step = qMin<qint64>(2 * step, 4 * 1024 * 1024)) {
        const qint64 room = qMin(step, limit + 2 - size); // readLine() reads room - 1 bytes at most
        line.resize(size + room);
        const qint64 n = device->readLine(line.data() + size, room);
        if (n > 0)
            size += n;
        if (n < room - 1 || line.at(size - 1) == '\n' || size > limit)
            break;
    }
    line.resize(size);
    return line;
}
} // namespace

bool readJsonl(QIODevice *device, Transcript *into, ReadError *error, const ReadProgress &progress)
{
    // Far above the longest line Socketeer writes (a 64 KiB chunk in base64),
    // so that a damaged file cannot make us hold gigabytes for one line.
    constexpr qint64 maxLineLength = 16 * 1024 * 1024;
    if (!into->isEmpty()) {
        if (error)
            *error = ReadError{0, tr("internal error: reading into a transcript that is not empty")};
        return false;
    }
    const auto fail = [error](int line, const QString &message) {
        if (error)
            *error = ReadError{line, message};
        return false;
    };
    constexpr qint64 progressStep = 256 * 1024;
    const auto cancelled = [error] {
        if (error)
            *error = ReadError{0, tr("cancelled"), true};
        return false;
    };
    JsonlReader reader(into);
    int lineNumber = 0;
    int firstBlankLine = 0; // blank lines are allowed at the end only
    qint64 consumed = 0;
    qint64 nextProgress = progressStep;
    while (!device->atEnd()) {
        if (progress && consumed >= nextProgress) {
            nextProgress = consumed + progressStep;
            if (!progress(consumed))
                return cancelled();
        }
        // One byte past the limit, to tell "too long" from "just fits".
        const QByteArray line = readLineUpTo(device, maxLineLength);
        ++lineNumber;
        consumed += line.size();
        if (line.isEmpty())
            return fail(lineNumber, tr("read error: %1").arg(device->errorString()));
        if (line.size() > maxLineLength)
            return fail(lineNumber, tr("line longer than %1 bytes").arg(maxLineLength));
        if (line.trimmed().isEmpty()) {
            if (firstBlankLine == 0)
                firstBlankLine = lineNumber;
            continue;
        }
        if (firstBlankLine != 0)
            return fail(firstBlankLine, tr("blank line inside the transcript"));
        QString message;
        if (!reader.readLine(line, &message))
            return fail(lineNumber, message);
    }
    if (!reader.hasHeader())
        return fail(1, tr("empty file: a transcript starts with a \"header\" line"));
    if (progress && !progress(consumed))
        return cancelled();
    into->setModified(false);
    return true;
}

bool open(const QString &path, Transcript *into, ReadError *error, const ReadProgress &progress)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = ReadError{0, tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), file.errorString())};
        return false;
    }
    return readJsonl(&file, into, error, progress);
}

} // namespace TranscriptIO
