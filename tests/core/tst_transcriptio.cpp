#include <cerrno>
#include <csignal>

#include <sys/resource.h>
#include <sys/stat.h>

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "transcript.h"
#include "transcriptio.h"
#include "version.h"

using Direction = Transcript::Direction;
using Format = TranscriptIO::Format;

namespace {

constexpr qint64 fixtureStart = 1795626272123; // 2026-11-25T17:04:32.123Z

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int b = 0; b < 256; ++b)
        bytes += static_cast<char>(b);
    return bytes;
}

QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 7 + 3) & 0xFF);
    return bytes;
}

// The transcript behind the golden files: every kind of entry and every
// kind of escape, with fixed times.
void buildFixture(Transcript &t)
{
    t.setPeer(QStringLiteral("example.org"), 80);
    t.setStartTime(QDateTime::fromMSecsSinceEpoch(fixtureStart, Qt::UTC));
    const auto event = [&t](const QString &name, const QString &detail, qint64 tMs) {
        t.appendEventAt(name, detail, tMs, fixtureStart + tMs);
    };
    const auto data = [&t](Direction direction, const QByteArray &bytes, qint64 tMs) {
        t.appendDataAt(direction, bytes, tMs, fixtureStart + tMs);
    };
    event(TranscriptEvent::connecting(), QStringLiteral("example.org:80"), 0);
    event(TranscriptEvent::lookedUp(), QStringLiteral("93.184.216.34, 2606:2800:220:1:248:1893:25c8:1946"), 4);
    event(TranscriptEvent::connected(), QStringLiteral("93.184.216.34:80"), 13);
    data(Direction::Sent, "GET / HTTP/1.0\r\nHost: example.org\r\n\r\n", 13);
    data(Direction::Received, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", 120);
    // Valid UTF-8, a backslash, an ANSI escape, invalid bytes, a tab, a
    // right-to-left override, and a character cut by the chunk boundary.
    data(Direction::Received, "caf\xc3\xa9 \xe2\x82\xac \\ \x1b[31mred\xff\xfe\tend\xe2\x80\xae" "txt.exe\n\xc3", 121);
    data(Direction::Received, "\xa9\n" + allByteValues(), 1234);
    event(QStringLiteral("note"), QStringLiteral("an event from a later version,\nwith \\ and a newline"), 1300);
    event(TranscriptEvent::closedByPeer(), QString(), 1500);
}

QByteArray writeToBytes(const Transcript &transcript, Format format)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!TranscriptIO::write(transcript, format, &buffer, &error))
        qFatal("write failed: %s", qPrintable(error));
    return buffer.data();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

int fileMode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return static_cast<int>(st.st_mode & 07777);
}

// `hexdump -C -v` of a file holding exactly `bytes`.
QByteArray realHexdump(const QByteArray &bytes, const QString &workDir)
{
    const QString path = workDir + QStringLiteral("/chunk.bin");
    if (!writeFile(path, bytes))
        return "cannot write the chunk file";
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(HEXDUMP_EXECUTABLE), {QStringLiteral("-C"), QStringLiteral("-v"), path});
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return "hexdump failed: " + process.readAllStandardError();
    return process.readAllStandardOutput();
}

// A device that takes `capacity` bytes (the last write possibly short), then
// fails like a full disk.
class FailingDevice : public QIODevice
{
public:
    explicit FailingDevice(qint64 capacity) : m_capacity(capacity) { open(QIODevice::WriteOnly); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 size) override
    {
        if (m_written >= m_capacity) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        const qint64 taken = std::min(size, m_capacity - m_written);
        m_written += taken;
        return taken;
    }

private:
    qint64 m_capacity;
    qint64 m_written = 0;
};

// Limits the size of files this process writes, like a nearly full disk;
// works for root too. Writes beyond the limit fail with EFBIG.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = m_old;
        limit.rlim_cur = bytes;
        m_active = setrlimit(RLIMIT_FSIZE, &limit) == 0;
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    bool isActive() const { return m_active; }

private:
    rlimit m_old = {};
    void (*m_oldHandler)(int) = nullptr;
    bool m_active = false;
};

const QByteArray validHeader =
    R"({"type":"header","format":"socketeer-transcript","version":1,"host":"example.org","port":80,"start":"2026-11-25T17:04:32.123Z","generator":"socketeer 0.1.0"})";
const QByteArray validSent =
    R"({"type":"data","dir":"sent","t_ms":13,"time":"2026-11-25T17:04:32.136Z","offset":0,"data":"YWJj"})";
const QByteArray validEvent =
    R"({"type":"event","t_ms":20,"time":"2026-11-25T17:04:32.143Z","event":"closed_by_peer","detail":""})";

QByteArray header(const char *replace, const char *with)
{
    return QByteArray(validHeader).replace(replace, with);
}

QByteArray sent(const char *replace, const char *with)
{
    return QByteArray(validSent).replace(replace, with);
}

QByteArray lines(const QList<QByteArray> &list)
{
    QByteArray out;
    for (const QByteArray &line : list)
        out += line + '\n';
    return out;
}

} // namespace

class tst_TranscriptIO : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatForFileName_data();
    void formatForFileName();
    void formatNames();
    void golden_data();
    void golden();
    void hexdumpMatchesRealHexdump_data();
    void hexdumpMatchesRealHexdump();
    void rawIsReceivedBytesOnly();
    void jsonlRoundTrip();
    void readValidVariants_data();
    void readValidVariants();
    void readDamaged_data();
    void readDamaged();
    void openMissingFile();
    void writeFailure_data();
    void writeFailure();
    void savedFileIsPrivate();
    void failedSaveKeepsOldFile_data();
    void failedSaveKeepsOldFile();
};

void tst_TranscriptIO::formatForFileName_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<std::optional<Format>>("format");
    const auto row = [](const char *name, std::optional<Format> format) {
        QTest::newRow(name) << QString::fromUtf8(name) << format;
    };
    row("reply.bin", Format::Raw);
    row("reply.RAW", Format::Raw);
    row("/tmp/t.txt", Format::Text);
    row("t.log", Format::Text);
    row("t.hex", Format::Hexdump);
    row("t.HexDump", Format::Hexdump);
    row("t.jsonl", Format::Jsonl);
    row("dir.d/t.json.jsonl", Format::Jsonl);
    row("t.json", std::nullopt);
    row("t", std::nullopt);
    row("t.jsonl/file", std::nullopt);
    row("archive.tar.gz", std::nullopt);
}

void tst_TranscriptIO::formatForFileName()
{
    QFETCH(QString, fileName);
    QFETCH(std::optional<Format>, format);
    QCOMPARE(TranscriptIO::formatForFileName(fileName), format);
}

void tst_TranscriptIO::formatNames()
{
    const struct {
        Format format;
        const char *name;
        const char *suffix;
        const char *filter;
    } expected[] = {
        {Format::Raw, "raw", "bin", "Raw received bytes (*.bin *.raw)"},
        {Format::Text, "text", "txt", "Text transcript (*.txt *.log)"},
        {Format::Hexdump, "hexdump", "hex", "Hex dump (*.hex *.hexdump)"},
        {Format::Jsonl, "jsonl", "jsonl", "JSON Lines transcript (*.jsonl)"},
    };
    for (const auto &e : expected) {
        QCOMPARE(TranscriptIO::formatName(e.format), QLatin1String(e.name));
        QCOMPARE(TranscriptIO::formatByName(QLatin1String(e.name)), e.format);
        QCOMPARE(TranscriptIO::defaultSuffix(e.format), QLatin1String(e.suffix));
        QCOMPARE(TranscriptIO::formatForFileName(QStringLiteral("x.") + QLatin1String(e.suffix)), e.format);
        QCOMPARE(TranscriptIO::fileDialogFilter(e.format), QLatin1String(e.filter));
    }
    QCOMPARE(TranscriptIO::formatByName(QStringLiteral("json")), std::nullopt);
    QCOMPARE(TranscriptIO::formatByName(QStringLiteral("RAW")), std::nullopt);
    QCOMPARE(TranscriptIO::formatByName(QString()), std::nullopt);
}

void tst_TranscriptIO::golden_data()
{
    QTest::addColumn<Format>("format");
    QTest::addColumn<QString>("file");
    QTest::newRow("text") << Format::Text << QStringLiteral("golden-transcript.txt");
    QTest::newRow("hexdump") << Format::Hexdump << QStringLiteral("golden-transcript.hex");
    QTest::newRow("jsonl") << Format::Jsonl << QStringLiteral("golden-transcript.jsonl");
}

// Byte-for-byte against tests/data; on a mismatch the actual output is left
// in the working directory for diffing.
void tst_TranscriptIO::golden()
{
    QFETCH(Format, format);
    QFETCH(QString, file);
    Transcript transcript;
    buildFixture(transcript);
    const QByteArray actual = writeToBytes(transcript, format);
    const QByteArray expected =
        readFile(QStringLiteral(SOCKETEER_TEST_DATA "/") + file).replace("@SOCKETEER_VERSION@", SOCKETEER_VERSION);
    QVERIFY(!expected.isEmpty());
    if (actual != expected) {
        writeFile(file + QStringLiteral(".actual"), actual);
        QFAIL(qPrintable(QStringLiteral("output differs from %1; see %2.actual").arg(file, file)));
    }
}

void tst_TranscriptIO::hexdumpMatchesRealHexdump_data()
{
    QTest::addColumn<QByteArray>("bytes");
    for (const qint64 size : {0, 1, 15, 16, 17, 31, 32, 33, 100, 4096 + 7})
        QTest::addRow("%lld bytes", static_cast<long long>(size)) << pattern(size);
    QTest::newRow("all 256 byte values") << allByteValues();
    QTest::newRow("two chunks") << pattern(Transcript::maxChunkSize + 17);
}

void tst_TranscriptIO::hexdumpMatchesRealHexdump()
{
    QFETCH(QByteArray, bytes);
    if (!QFileInfo(QStringLiteral(HEXDUMP_EXECUTABLE)).isExecutable())
        QSKIP("hexdump (bsdextrautils) is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Transcript transcript;
    transcript.setPeer(QStringLiteral("::1"), 7);
    transcript.setStartTime(QDateTime::fromMSecsSinceEpoch(fixtureStart, Qt::UTC));
    transcript.appendDataAt(Direction::Received, bytes, 13, fixtureStart + 13);

    QByteArray expected = "# Socketeer transcript of [::1]:7, started 2026-11-25T17:04:32.123Z\n";
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        expected += "# received +0.013s 2026-11-25T17:04:32.136Z offset " + QByteArray::number(entry.offset) + ", "
            + QByteArray::number(entry.size) + (entry.size == 1 ? " byte\n" : " bytes\n");
        expected += realHexdump(transcript.data(i), dir.path());
    }
    QCOMPARE(writeToBytes(transcript, Format::Hexdump), expected);
}

void tst_TranscriptIO::rawIsReceivedBytesOnly()
{
    Transcript transcript;
    QByteArray received;
    const QList<QByteArray> pieces = {allByteValues(), pattern(2 * Transcript::maxChunkSize + 3), QByteArray("\r\n\0", 3)};
    transcript.appendEventAt(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:80"), 0, 0);
    for (const QByteArray &piece : pieces) {
        transcript.appendDataAt(Direction::Sent, "request", 1, 1);
        transcript.appendDataAt(Direction::Received, piece, 2, 2);
        received += piece;
    }
    QCOMPARE(writeToBytes(transcript, Format::Raw), received);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("reply.bin"));
    QString error;
    QVERIFY2(TranscriptIO::save(transcript, Format::Raw, path, &error), qPrintable(error));
    QCOMPARE(readFile(path), received);
}

void tst_TranscriptIO::jsonlRoundTrip()
{
    Transcript original;
    buildFixture(original);
    const QByteArray big = pattern(3 * Transcript::maxChunkSize + 5);
    original.appendDataAt(Direction::Sent, big, 2000, fixtureStart + 2000);
    original.appendDataAt(Direction::Received, allByteValues(), 2001, fixtureStart + 2001);
    original.appendEventAt(TranscriptEvent::error(), QStringLiteral(u"\"quoted\" \u00e9 \U0001F600 \t"), 2002,
                           fixtureStart + 2002);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("t.jsonl"));
    QString saveError;
    QVERIFY2(TranscriptIO::save(original, Format::Jsonl, path, &saveError), qPrintable(saveError));

    Transcript copy;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &copy, &error), qPrintable(error.toString()));
    QVERIFY(!copy.isModified());
    QCOMPARE(copy.host(), original.host());
    QCOMPARE(copy.port(), original.port());
    QCOMPARE(copy.startTime(), original.startTime());
    QCOMPARE(copy.entryCount(), original.entryCount());
    for (qint64 i = 0; i < original.entryCount(); ++i) {
        const Transcript::Entry a = original.entry(i);
        const Transcript::Entry b = copy.entry(i);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.direction, a.direction);
        QCOMPARE(b.tMs, a.tMs);
        QCOMPARE(b.wallMs, a.wallMs);
        QCOMPARE(b.offset, a.offset);
        QCOMPARE(b.size, a.size);
        QCOMPARE(b.event, a.event);
        QCOMPARE(b.detail, a.detail);
        QCOMPARE(copy.data(i), original.data(i));
    }
    for (const Direction direction : {Direction::Sent, Direction::Received}) {
        QCOMPARE(copy.totalBytes(direction), original.totalBytes(direction));
        QCOMPARE(copy.read(direction, 0, copy.totalBytes(direction)),
                 original.read(direction, 0, original.totalBytes(direction)));
    }
}

void tst_TranscriptIO::readValidVariants_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<qint64>("entries");
    QTest::newRow("header only") << lines({validHeader}) << qint64(0);
    QTest::newRow("no final newline") << validHeader + '\n' + validSent << qint64(1);
    QTest::newRow("blank trailing line") << lines({validHeader, validSent, QByteArray()}) << qint64(1);
    QTest::newRow("blank trailing lines") << lines({validHeader, validSent, " ", QByteArray()}) << qint64(1);
    QTest::newRow("CRLF line ends") << validHeader + "\r\n" + validSent + "\r\n" << qint64(1);
    QTest::newRow("unknown fields") << lines({header("\"type\"", "\"future\":[1,{}],\"type\""),
                                              sent("\"type\"", "\"checksum\":\"abc\",\"type\""),
                                              QByteArray(validEvent).replace("\"type\"", "\"x\":null,\"type\"")})
                                    << qint64(2);
    QTest::newRow("unknown types") << lines({validHeader, R"({"type":"annotation","text":"hello"})", validSent,
                                             R"({"type":"bookmark"})", validEvent})
                                   << qint64(2);
    QTest::newRow("no generator") << lines({header(",\"generator\":\"socketeer 0.1.0\"", "")}) << qint64(0);
    QTest::newRow("time with an offset") << lines({validHeader, sent("17:04:32.136Z", "18:04:32.136+01:00")})
                                         << qint64(1);
    QTest::newRow("empty data") << lines({validHeader, sent("YWJj", ""), validSent}) << qint64(1);
}

void tst_TranscriptIO::readValidVariants()
{
    QFETCH(QByteArray, content);
    QFETCH(qint64, entries);
    QBuffer buffer(&content);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::readJsonl(&buffer, &transcript, &error), qPrintable(error.toString()));
    QCOMPARE(transcript.entryCount(), entries);
    QCOMPARE(transcript.host(), QStringLiteral("example.org"));
    QCOMPARE(transcript.port(), quint16(80));
    QCOMPARE(transcript.startTime(), QDateTime::fromMSecsSinceEpoch(fixtureStart, Qt::UTC));
    QVERIFY(!transcript.isModified());
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        if (entry.kind == Transcript::Kind::Data) {
            QCOMPARE(transcript.data(i), QByteArray("abc"));
            QCOMPARE(entry.tMs, 13);
            QCOMPARE(entry.wallMs, fixtureStart + 13);
        } else {
            QCOMPARE(entry.event, QStringLiteral("closed_by_peer"));
            QCOMPARE(entry.tMs, 20);
        }
    }
}

void tst_TranscriptIO::readDamaged_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *name, const QByteArray &content, int line, const char *message) {
        QTest::newRow(name) << content << line << QString::fromUtf8(message);
    };
    // Header
    row("empty file", QByteArray(), 1, "empty file");
    row("blank lines only", "\n\n", 1, "empty file");
    row("missing header", lines({validSent, validEvent}), 1, "missing header");
    row("not JSON at all", "hello\n", 1, "invalid JSON");
    row("wrong format", lines({header("socketeer-transcript", "pcap")}), 1, "not a Socketeer transcript (format \"pcap\")");
    row("missing format", lines({header("\"format\":\"socketeer-transcript\",", "")}), 1, "missing field \"format\"");
    row("newer version", lines({header("\"version\":1", "\"version\":2"), validSent}), 1,
        "format version 2 by a newer Socketeer");
    row("version 0", lines({header("\"version\":1", "\"version\":0")}), 1, "unsupported format version 0");
    row("version as string", lines({header("\"version\":1", "\"version\":\"1\"")}), 1,
        "field \"version\" must be an integer");
    row("missing start", lines({header(",\"start\":\"2026-11-25T17:04:32.123Z\"", "")}), 1, "missing field \"start\"");
    row("bad start", lines({header("2026-11-25T17:04:32.123Z", "yesterday")}), 1, "field \"start\" must be an ISO 8601 time");
    row("start without zone", lines({header("2026-11-25T17:04:32.123Z", "2026-11-25T17:04:32.123")}), 1,
        "field \"start\" must be an ISO 8601 time");
    row("host not a string", lines({header("\"example.org\"", "42")}), 1, "field \"host\" must be a string");
    row("port out of range", lines({header("\"port\":80", "\"port\":65536")}), 1, "between 0 and 65535");
    row("port fractional", lines({header("\"port\":80", "\"port\":80.5")}), 1, "field \"port\" must be an integer");
    row("second header", lines({validHeader, validSent, validHeader}), 3, "a second header");
    // Any line
    row("bad JSON at line 3", lines({validHeader, validSent, "{\"type\":\"event\",", validEvent}), 3, "invalid JSON");
    row("bad JSON at line 5", lines({validHeader, validSent, validEvent, validEvent, "{}}"}), 5, "invalid JSON");
    row("array instead of object", lines({validHeader, "[1,2]"}), 2, "not a JSON object");
    row("missing type", lines({validHeader, R"({"dir":"sent"})"}), 2, "missing field \"type\"");
    row("type not a string", lines({validHeader, R"({"type":1})"}), 2, "field \"type\" must be a string");
    row("blank line inside", lines({validHeader, QByteArray(), validSent}), 2, "blank line");
    row("line too long", lines({validHeader, validSent, QByteArray(16 * 1024 * 1024 + 1, 'x')}), 3,
        "line longer than 16777216 bytes");
    // Data
    row("bad base64", lines({validHeader, sent("YWJj", "YW@j")}), 2, "field \"data\" is not valid base64");
    row("base64 with bad padding", lines({validHeader, sent("YWJj", "YQ=a")}), 2, "not valid base64");
    row("data not a string", lines({validHeader, sent("\"YWJj\"", "[1]")}), 2, "field \"data\" must be a string");
    row("missing data", lines({validHeader, sent(",\"data\":\"YWJj\"", "")}), 2, "missing field \"data\"");
    row("bad dir", lines({validHeader, sent("\"sent\"", "\"both\"")}), 2, "field \"dir\" must be \"sent\" or \"recv\"");
    row("missing dir", lines({validHeader, sent("\"dir\":\"sent\",", "")}), 2, "missing field \"dir\"");
    row("t_ms fractional", lines({validHeader, sent("\"t_ms\":13", "\"t_ms\":13.5")}), 2,
        "field \"t_ms\" must be an integer");
    row("t_ms as string", lines({validHeader, sent("\"t_ms\":13", "\"t_ms\":\"13\"")}), 2,
        "field \"t_ms\" must be an integer");
    row("missing t_ms", lines({validHeader, sent("\"t_ms\":13,", "")}), 2, "missing field \"t_ms\"");
    row("missing time", lines({validHeader, sent("\"time\":\"2026-11-25T17:04:32.136Z\",", "")}), 2,
        "missing field \"time\"");
    row("missing offset", lines({validHeader, sent("\"offset\":0,", "")}), 2, "missing field \"offset\"");
    row("lost line (offset too high)", lines({validHeader, validSent, sent("\"offset\":0", "\"offset\":7")}), 3,
        "offset 7 where 3 was expected");
    row("repeated line (offset too low)", lines({validHeader, validSent, validEvent, validSent}), 4,
        "offset 0 where 3 was expected");
    row("offsets count per direction",
        lines({validHeader, validSent, sent("\"sent\"", "\"recv\"").replace("\"offset\":0", "\"offset\":3")}), 3,
        "offset 3 where 0 was expected");
    // Events
    row("event name not a string", lines({validHeader, QByteArray(validEvent).replace("\"closed_by_peer\"", "5")}), 2,
        "field \"event\" must be a string");
    row("missing event name", lines({validHeader, QByteArray(validEvent).replace("\"event\":\"closed_by_peer\",", "")}),
        2, "missing field \"event\"");
    row("detail not a string", lines({validHeader, QByteArray(validEvent).replace("\"detail\":\"\"", "\"detail\":null")}),
        2, "field \"detail\" must be a string");
}

void tst_TranscriptIO::readDamaged()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    QFETCH(QString, message);
    QBuffer buffer(&content);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY(!TranscriptIO::readJsonl(&buffer, &transcript, &error));
    QCOMPARE(error.line, line);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QVERIFY(error.toString().startsWith(QStringLiteral("line %1: ").arg(line)));
}

void tst_TranscriptIO::openMissingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("missing.jsonl"));
    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY(!TranscriptIO::open(path, &transcript, &error));
    QCOMPARE(error.line, 0);
    QVERIFY2(error.message.contains(path), qPrintable(error.message));
    QCOMPARE(error.toString(), error.message);
}

void tst_TranscriptIO::writeFailure_data()
{
    QTest::addColumn<Format>("format");
    QTest::addColumn<qint64>("capacity");
    for (const Format format : {Format::Raw, Format::Text, Format::Hexdump, Format::Jsonl}) {
        const QByteArray name = TranscriptIO::formatName(format).toLatin1();
        QTest::addRow("%s, nothing fits", name.constData()) << format << qint64(0);
        QTest::addRow("%s, fails midway", name.constData()) << format << qint64(200);
        QTest::addRow("%s, fails in a later block", name.constData()) << format << qint64(100 * 1024);
    }
}

void tst_TranscriptIO::writeFailure()
{
    QFETCH(Format, format);
    QFETCH(qint64, capacity);
    Transcript transcript;
    buildFixture(transcript);
    transcript.appendDataAt(Direction::Received, pattern(300 * 1024), 3000, fixtureStart + 3000);
    FailingDevice device(capacity);
    QString error;
    QVERIFY(!TranscriptIO::write(transcript, format, &device, &error));
    QCOMPARE(error, QStringLiteral("No space left on device"));
}

void tst_TranscriptIO::savedFileIsPrivate()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Transcript transcript;
    buildFixture(transcript);
    const QString path = dir.filePath(QStringLiteral("t.jsonl"));

    QString error;
    QVERIFY2(TranscriptIO::save(transcript, Format::Jsonl, path, &error), qPrintable(error));
    QCOMPARE(fileMode(path), 0600);
    QCOMPARE(readFile(path), writeToBytes(transcript, Format::Jsonl));

    // Overwriting a file that others could read makes it private too.
    const QString shared = dir.filePath(QStringLiteral("shared.txt"));
    QVERIFY(writeFile(shared, "old"));
    QVERIFY(::chmod(QFile::encodeName(shared).constData(), 0644) == 0);
    QCOMPARE(fileMode(shared), 0644);
    QVERIFY2(TranscriptIO::save(transcript, Format::Text, shared, &error), qPrintable(error));
    QCOMPARE(fileMode(shared), 0600);
    QCOMPARE(readFile(shared), writeToBytes(transcript, Format::Text));

    // No temporary files are left behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             (QStringList{QStringLiteral("shared.txt"), QStringLiteral("t.jsonl")}));
}

void tst_TranscriptIO::failedSaveKeepsOldFile_data()
{
    QTest::addColumn<QString>("failure");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parent is a file") << QStringLiteral("parent") << qt_error_string(ENOTDIR);
    QTest::newRow("target is a directory") << QStringLiteral("directory")
                                           << QStringLiteral("Filename refers to a directory");
    QTest::newRow("write fails (file size limit)") << QStringLiteral("size") << qt_error_string(EFBIG);
}

// Tests run as root, so mode bits cannot make a save fail: these failures
// are ones the kernel reports to root as well.
void tst_TranscriptIO::failedSaveKeepsOldFile()
{
    QFETCH(QString, failure);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString old = dir.filePath(QStringLiteral("old.jsonl"));
    const QByteArray oldContent = "old content, not a transcript\n";
    QVERIFY(writeFile(old, oldContent));
    QVERIFY(::chmod(QFile::encodeName(old).constData(), 0640) == 0);

    Transcript transcript;
    buildFixture(transcript);
    transcript.appendDataAt(Direction::Received, pattern(1024 * 1024), 3000, fixtureStart + 3000);

    QString path;
    bool saved = true;
    QString error;
    if (failure == QLatin1String("parent")) {
        path = old + QStringLiteral("/t.jsonl");
        saved = TranscriptIO::save(transcript, Format::Jsonl, path, &error);
    } else if (failure == QLatin1String("directory")) {
        path = dir.filePath(QStringLiteral("target"));
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("target")));
        QVERIFY(writeFile(path + QStringLiteral("/inside"), "kept"));
        saved = TranscriptIO::save(transcript, Format::Jsonl, path, &error);
        QVERIFY(QFileInfo(path).isDir());
        QCOMPARE(readFile(path + QStringLiteral("/inside")), QByteArray("kept"));
    } else {
        path = old;
        const FileSizeLimit limit(64 * 1024);
        QVERIFY(limit.isActive());
        saved = TranscriptIO::save(transcript, Format::Jsonl, path, &error);
    }
    QVERIFY(!saved);
    QCOMPARE(error, QStringLiteral("Cannot save %1: %2").arg(path, reason));
    QCOMPARE(readFile(old), oldContent);
    QCOMPARE(fileMode(old), 0640);
    const QStringList expected = failure == QLatin1String("directory")
        ? QStringList{QStringLiteral("old.jsonl"), QStringLiteral("target")}
        : QStringList{QStringLiteral("old.jsonl")};
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), expected);
}

QTEST_GUILESS_MAIN(tst_TranscriptIO)
#include "tst_transcriptio.moc"
