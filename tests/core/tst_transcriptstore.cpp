// The disk-backed storage behind Transcript and TranscriptSnapshot: files,
// privacy, buffering, memory bounds and a full disk.
#include <algorithm>
#include <cerrno>
#include <cstring>


#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "testsupport.h"
#include "transcript.h"
#include "transcripthistory.h"
#include "transcriptio.h"
#include "transcriptsnapshot.h"

using Direction = Transcript::Direction;

namespace {
QByteArray pattern(qint64 size, int seed = 0)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 7 + seed) & 0xFF);
    return bytes;
}

QByteArray fileContents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

constexpr QFile::Permissions privateFolder = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
    | QFile::ReadUser | QFile::WriteUser | QFile::ExeUser;
constexpr QFile::Permissions privateFile = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser;

QString storesRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/stores");
}
} // namespace

class TestTranscriptStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void staleTemporaryStoresRemovedAtStart();
    void storeIsPrivateAndRemovedWithTranscript();
    void rawStreamsAreTheDataFiles();
    void readsMatchWhateverIsBuffered_data();
    void readsMatchWhateverIsBuffered();
    void eventsAndSourcesRoundTrip();
    void blockReadsEqualEntryReads();
    void snapshotIsFrozenAndOutlivesTranscript();
    void snapshotReadFromAnotherThread();
    void memoryStaysFlat();
    void movedToAnotherThread();
    void jsonlOpensIntoTheStore();
    void diskFullStopsRecording_data();
    void diskFullStopsRecording();

private:
    QTemporaryDir m_staleStore;
    QString m_stalePath;
    QString m_livePath;
    std::unique_ptr<QLockFile> m_liveLock;
};

void TestTranscriptStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(storesRoot()).removeRecursively();
    QVERIFY(QDir().mkpath(storesRoot()));
    // Left by a process that died: a lock naming a process that is gone.
    m_stalePath = storesRoot() + QStringLiteral("/stale1");
    QVERIFY(QDir().mkpath(m_stalePath));
    {
        QFile lock(m_stalePath + QStringLiteral("/lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write("999999999\nsomething\n\n");
        QFile data(m_stalePath + QStringLiteral("/received.bin"));
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write("old");
    }
    // In use by a live process (this one).
    m_livePath = storesRoot() + QStringLiteral("/live1");
    QVERIFY(QDir().mkpath(m_livePath));
    m_liveLock = std::make_unique<QLockFile>(m_livePath + QStringLiteral("/lock"));
    QVERIFY(m_liveLock->tryLock(0));
}

void TestTranscriptStore::staleTemporaryStoresRemovedAtStart()
{
    // The first temporary store this process makes cleans up.
    Transcript transcript;
    QVERIFY(!transcript.storePath().isEmpty());
    QVERIFY(!QFileInfo::exists(m_stalePath));
    QVERIFY(QFileInfo::exists(m_livePath + QStringLiteral("/lock")));
    m_liveLock.reset();
    QDir(m_livePath).removeRecursively();
}

void TestTranscriptStore::storeIsPrivateAndRemovedWithTranscript()
{
    QString path;
    {
        Transcript transcript;
        path = transcript.storePath();
        QVERIFY(path.startsWith(storesRoot() + QLatin1Char('/')));
        QCOMPARE(QFileInfo(storesRoot()).permissions(), privateFolder);
        QCOMPARE(QFileInfo(path).permissions(), privateFolder);
        transcript.appendData(Direction::Received, "hello");
        transcript.appendEvent(QStringLiteral("connected"), QStringLiteral("x"));
        QVERIFY(transcript.flush());
        const QStringList files = QDir(path).entryList(QDir::Files);
        QVERIFY(files.contains(QStringLiteral("received.bin")));
        QVERIFY(files.contains(QStringLiteral("entries.bin")));
        for (const QString &name : files)
            QCOMPARE(QFileInfo(path + QLatin1Char('/') + name).permissions(), privateFile);
        // Temporary stores live in their process's folder, locked once for
        // the life of the process.
        const QString processFolder = QFileInfo(path).absolutePath();
        QCOMPARE(QFileInfo(processFolder).absolutePath(), storesRoot());
        QCOMPARE(QFileInfo(processFolder).permissions(), privateFolder);
        QCOMPARE(QFileInfo(processFolder + QStringLiteral("/lock")).permissions(), privateFile);
        QLockFile other(processFolder + QStringLiteral("/lock"));
        QVERIFY(!other.tryLock(0));
    }
    QVERIFY(!QFileInfo::exists(path));
}

void TestTranscriptStore::rawStreamsAreTheDataFiles()
{
    Transcript transcript;
    const QByteArray in = pattern(3 * Transcript::maxChunkSize + 17, 1);
    const QByteArray out = pattern(1000, 2);
    transcript.appendData(Direction::Received, in.first(100));
    transcript.appendData(Direction::Sent, out);
    transcript.appendData(Direction::Received, in.sliced(100));
    QVERIFY(transcript.flush());
    QCOMPARE(fileContents(transcript.storePath() + QStringLiteral("/received.bin")), in);
    QCOMPARE(fileContents(transcript.storePath() + QStringLiteral("/sent.bin")), out);
    QCOMPARE(QFileInfo(transcript.storePath() + QStringLiteral("/entries.bin")).size(),
             transcript.entryCount() * 40);
}

void TestTranscriptStore::readsMatchWhateverIsBuffered_data()
{
    QTest::addColumn<int>("chunk");
    QTest::addColumn<bool>("flushHalfway");
    QTest::newRow("tiny chunks, all buffered") << 7 << false;
    QTest::newRow("tiny chunks, half on disk") << 7 << true;
    QTest::newRow("1000-byte chunks") << 1000 << true;
    QTest::newRow("chunks over the buffer size") << 300 * 1024 << false;
}

// Reads straddle the boundary between what is on disk and what is still in
// the write buffer; they must see one continuous stream.
void TestTranscriptStore::readsMatchWhateverIsBuffered()
{
    QFETCH(int, chunk);
    QFETCH(bool, flushHalfway);
    Transcript transcript;
    const QByteArray expected = pattern(chunk > 1000 ? 2 * 1024 * 1024 : 200 * 1024, 3);
    for (qsizetype pos = 0; pos < expected.size(); pos += chunk) {
        transcript.appendData(Direction::Received, expected.sliced(pos, std::min<qsizetype>(chunk, expected.size() - pos)));
        if (flushHalfway && pos <= expected.size() / 2 && pos + chunk > expected.size() / 2)
            QVERIFY(transcript.flush());
    }
    QCOMPARE(transcript.totalBytes(Direction::Received), expected.size());
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < 300; ++i) {
        const qint64 offset = random->bounded(expected.size());
        const qint64 length = random->bounded(1, 200000);
        QCOMPARE(transcript.read(Direction::Received, offset, length), expected.mid(offset, length));
    }
    QByteArray joined;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry e = transcript.entry(i);
        QCOMPARE(e.offset, joined.size());
        QVERIFY(e.size <= Transcript::maxChunkSize);
        joined += transcript.data(i);
    }
    QCOMPARE(joined, expected);
    QCOMPARE(transcript.read(Direction::Received, expected.size(), 10), QByteArray());
    QCOMPARE(transcript.read(Direction::Sent, 0, 10), QByteArray());
}

void TestTranscriptStore::eventsAndSourcesRoundTrip()
{
    Transcript transcript;
    const QString detail = QStringLiteral("naïve \u202e détail \U0001F600 with a NUL \0 inside");
    transcript.appendEventAt(QStringLiteral("connecting"), detail, 1, 1001);
    transcript.appendDataAt(Direction::Received, "a", 2, 1002, QStringLiteral("127.0.0.1:5353"));
    transcript.appendDataAt(Direction::Received, "b", 3, 1003, QStringLiteral("127.0.0.1:5353"));
    transcript.appendDataAt(Direction::Received, "c", 4, 1004, QStringLiteral("[::1]:9"));
    transcript.appendEventAt(QStringLiteral("closed_by_peer"), QString(), 5, 1005);
    for (int pass = 0; pass < 2; ++pass) {
        QCOMPARE(transcript.entryCount(), 5);
        Transcript::Entry e = transcript.entry(0);
        QCOMPARE(e.kind, Transcript::Kind::Event);
        QCOMPARE(e.event, QStringLiteral("connecting"));
        QCOMPARE(e.detail, detail);
        QCOMPARE(e.tMs, 1);
        QCOMPARE(e.wallMs, 1001);
        QCOMPARE(transcript.entry(1).source, QStringLiteral("127.0.0.1:5353"));
        QCOMPARE(transcript.entry(2).source, QStringLiteral("127.0.0.1:5353"));
        QCOMPARE(transcript.entry(3).source, QStringLiteral("[::1]:9"));
        QCOMPARE(transcript.entry(3).offset, 2);
        QCOMPARE(transcript.data(3), QByteArray("c"));
        e = transcript.entry(4);
        QCOMPARE(e.event, QStringLiteral("closed_by_peer"));
        QVERIFY(e.detail.isEmpty());
        QCOMPARE(e.wallMs, 1005);
        QVERIFY(transcript.flush()); // the second pass reads from disk
    }
}

// Transcript::entries() reads many records at once and shares a source text
// between consecutive datagrams: each entry must still equal entry(i),
// whether its record is on disk, still buffered, or the block straddles both.
void TestTranscriptStore::blockReadsEqualEntryReads()
{
    Transcript transcript;
    const QStringList sources = {QStringLiteral("127.0.0.1:5353"), QStringLiteral("[::1]:9"), QString()};
    QRandomGenerator random(11);
    // More records than one write buffer holds (bufferSize / 40 bytes): the
    // first ones reach the disk on their own, the last ones stay buffered.
    const int count = int(2 * 256 * 1024 / 40);
    for (int i = 0; i < count; ++i) {
        const quint32 kind = random.bounded(20);
        if (kind == 0) {
            transcript.appendEventAt(TranscriptEvent::error(), QStringLiteral("event %1").arg(i), i, 1000 + i);
        } else {
            // Runs of datagrams from one source, then another source (or none).
            const QString &source = sources.at((i / 7) % sources.size());
            transcript.appendDataAt(kind % 2 ? Direction::Sent : Direction::Received,
                                    QByteArray(QByteArray(int(random.bounded(1, 30)), char('a' + i % 26)) + '\n'), i, 1000 + i,
                                    source);
        }
    }
    const auto same = [](const Transcript::Entry &a, const Transcript::Entry &b) {
        return a.kind == b.kind && a.direction == b.direction && a.tMs == b.tMs && a.wallMs == b.wallMs
            && a.offset == b.offset && a.size == b.size && a.event == b.event && a.detail == b.detail
            && a.source == b.source && a.textRows == b.textRows;
    };
    const qint64 total = transcript.entryCount();
    QCOMPARE(total, count);
    const auto check = [&](qint64 first, qint64 n) {
        const QList<Transcript::Entry> block = transcript.entries(first, n);
        const qint64 from = std::max<qint64>(0, first);
        const qint64 expected = std::clamp<qint64>(std::min(n, total - from), 0, total);
        if (block.size() != expected) {
            qWarning("entries(%lld, %lld): %lld entries", qlonglong(first), qlonglong(n), qlonglong(block.size()));
            return false;
        }
        for (qsizetype k = 0; k < block.size(); ++k) {
            if (!same(block.at(k), transcript.entry(from + k))) {
                qWarning("entries(%lld, %lld): entry %lld differs", qlonglong(first), qlonglong(n),
                         qlonglong(from + k));
                return false;
            }
        }
        return true;
    };
    for (int pass = 0; pass < 2; ++pass) {
        QVERIFY(check(0, total));
        QVERIFY(check(total - 100, 512)); // clamped at the end
        QVERIFY(check(total, 10));
        QVERIFY(check(-5, 10));
        QVERIFY(check(3, 0));
        for (int i = 0; i < 200; ++i)
            QVERIFY(check(random.bounded(qint64(total)), random.bounded(1, 2000)));
        QVERIFY(transcript.flush()); // the second pass reads everything from disk
    }
}

void TestTranscriptStore::snapshotIsFrozenAndOutlivesTranscript()
{
    auto transcript = std::make_unique<Transcript>();
    transcript->setPeer(QStringLiteral("example.org"), 80);
    transcript->start();
    transcript->appendData(Direction::Sent, "GET / HTTP/1.0\r\n\r\n");
    transcript->appendData(Direction::Received, pattern(100000));
    const TranscriptSnapshot snapshot = transcript->snapshot();
    transcript->appendData(Direction::Received, "later");
    transcript->appendEvent(QStringLiteral("closed_by_peer"));
    QCOMPARE(snapshot.entryCount(), 3);
    QCOMPARE(snapshot.totalBytes(Direction::Received), 100000);
    QCOMPARE(snapshot.read(Direction::Received, 99990, 100), pattern(100000).sliced(99990));
    const QString path = transcript->storePath();
    transcript.reset();
    QVERIFY(!QFileInfo::exists(path));
    // The files are gone from the folder but still readable by the snapshot.
    QCOMPARE(snapshot.host(), QStringLiteral("example.org"));
    QCOMPARE(snapshot.port(), 80);
    QCOMPARE(snapshot.data(0), QByteArray("GET / HTTP/1.0\r\n\r\n"));
    QCOMPARE(snapshot.read(Direction::Received, 0, 200000), pattern(100000));
    QCOMPARE(snapshot.entry(2).kind, Transcript::Kind::Data);
    QCOMPARE(snapshot.entry(3).kind, Transcript::Kind::Event); // out of range: default
    QCOMPARE(snapshot.entry(3).event, QString());
}

void TestTranscriptStore::snapshotReadFromAnotherThread()
{
    Transcript transcript;
    const QByteArray expected = pattern(4 * 1024 * 1024, 5);
    transcript.appendData(Direction::Received, expected);
    const TranscriptSnapshot snapshot = transcript.snapshot();
    QByteArray readBack;
    std::unique_ptr<QThread> reader(QThread::create([&] {
        for (qint64 offset = 0; offset < snapshot.totalBytes(Direction::Received); offset += 65536)
            readBack += snapshot.read(Direction::Received, offset, 65536);
    }));
    reader->start();
    // The transcript keeps growing while the other thread reads.
    for (int i = 0; i < 200; ++i)
        transcript.appendData(Direction::Received, pattern(10000, i));
    QVERIFY(reader->wait(60000));
    QCOMPARE(readBack, expected);
}

// Tens of MB in small chunks with events in between: the memory held for
// the transcript stays under a fixed bound however much is appended.
void TestTranscriptStore::memoryStaysFlat()
{
    Transcript transcript;
    // The write buffers, and what the writer thread has not written yet.
    constexpr qint64 bound = 2 * 1024 * 1024 + Transcript::maxQueuedBytes;
    const QByteArray chunk = pattern(517);
    qint64 sent = 0;
    qint64 received = 0;
    qint64 peak = 0;
    for (int i = 0; i < 64000; ++i) {
        transcript.appendData(i % 5 == 0 ? Direction::Sent : Direction::Received, chunk);
        (i % 5 == 0 ? sent : received) += chunk.size();
        if (i % 1000 == 0)
            transcript.appendEvent(QStringLiteral("note"), QString(200, QLatin1Char('x')));
        peak = std::max(peak, transcript.indexMemoryBytes());
    }
    QVERIFY2(peak < bound, QByteArray::number(peak));
    QCOMPARE(transcript.totalBytes(Direction::Received), received);
    QCOMPARE(transcript.totalBytes(Direction::Sent), sent);
    QVERIFY(received + sent > 30 * 1024 * 1024);
    QCOMPARE(transcript.entryCount(), 64000 + 64);
    QCOMPARE(transcript.data(64000 + 63), chunk);
    QCOMPARE(transcript.entry(1000 + 2).event, QStringLiteral("note")); // after 1001 chunks and 1 note
}

// Reading a JSONL transcript of tens of MB appends into the disk store:
// the memory held stays bounded while it is read.
void TestTranscriptStore::jsonlOpensIntoTheStore()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.jsonl"));
    QByteArray expected;
    {
        Transcript source;
        source.start();
        for (int i = 0; i < 2500; ++i) {
            const QByteArray chunk = pattern(4000, i);
            source.appendData(Direction::Received, chunk);
            expected += chunk;
            if (i % 100 == 0)
                source.appendData(Direction::Sent, "ping\n");
        }
        QString error;
        QVERIFY2(TranscriptIO::save(source, TranscriptIO::Format::Jsonl, path, &error), qPrintable(error));
    }
    QVERIFY(QFileInfo(path).size() > 10 * 1024 * 1024);

    Transcript transcript;
    qint64 peak = 0;
    connect(&transcript, &Transcript::entriesAppended, this,
            [&] { peak = std::max(peak, transcript.indexMemoryBytes()); });
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &transcript, &error), qPrintable(error.toString()));
    QVERIFY2(peak > 0 && peak < 2 * 1024 * 1024 + Transcript::maxQueuedBytes, QByteArray::number(peak));
    QCOMPARE(transcript.totalBytes(Direction::Received), expected.size());
    QCOMPARE(transcript.totalBytes(Direction::Sent), 25 * 5);
    QVERIFY(transcript.read(Direction::Received, 0, expected.size()) == expected);
    QVERIFY(QFileInfo(transcript.storePath() + QStringLiteral("/received.bin")).size() > expected.size() / 2);
}

// Made on a worker (as a file is opened in the background), then handed to
// this thread.
void TestTranscriptStore::movedToAnotherThread()
{
    Transcript *made = nullptr;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        auto *transcript = new Transcript;
        transcript->appendData(Direction::Received, pattern(300000));
        transcript->setModified(false);
        transcript->moveToThread(QCoreApplication::instance()->thread());
        made = transcript;
    }));
    worker->start();
    QVERIFY(worker->wait(60000));
    std::unique_ptr<Transcript> transcript(made);
    QCOMPARE(transcript->thread(), QThread::currentThread());
    QSignalSpy appended(transcript.get(), &Transcript::entriesAppended);
    transcript->appendData(Direction::Received, "more");
    QCOMPARE(appended.count(), 1);
    QCOMPARE(transcript->read(Direction::Received, 299990, 100), pattern(300000).sliced(299990) + "more");
}

// A small filesystem made for the test fills up while recording: recording
// stops with a reason, what came before stays readable and saves exactly,
// later appends are dropped and counted.
void TestTranscriptStore::diskFullStopsRecording_data()
{
    QTest::addColumn<qsizetype>("chunk");
    QTest::newRow("buffered appends") << qsizetype(10000);
    QTest::newRow("appends written directly") << qsizetype(300 * 1024);
}

void TestTranscriptStore::diskFullStopsRecording()
{
    QFETCH(qsizetype, chunk);
    TestSupport::SmallFilesystem disk;
    if (!disk.isMounted()) {
        QVERIFY2(disk.notPermitted(), qPrintable(disk.whyNot()));
        QSKIP(qPrintable(disk.whyNot()));
    }

    const TranscriptHistory history(disk.path() + QStringLiteral("/transcripts"));
    QString error;
    std::shared_ptr<Transcript> transcript = history.createTranscript(QStringLiteral("localhost"), 9, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(transcript->storePath().startsWith(disk.path()));
    QSignalSpy stopped(transcript.get(), &Transcript::recordingStopped);
    transcript->start();
    transcript->appendEvent(QStringLiteral("connected"), QStringLiteral("127.0.0.1:9"));

    const QByteArray stream = pattern(3 * 1024 * 1024, 9);
    qsizetype pos = 0;
    // Appends do not wait for the writer thread: a flush now and then does,
    // and finds the failure.
    for (int i = 1; pos < stream.size() && transcript->isRecording(); pos += chunk, ++i) {
        transcript->appendData(Direction::Received, stream.sliced(pos, std::min(chunk, stream.size() - pos)));
        if (i % 4 == 0)
            transcript->flush();
    }
    QVERIFY2(!transcript->isRecording(), "a 1 MB filesystem took 3 MB");
    QCOMPARE(stopped.count(), 1);
    QCOMPARE(stopped.at(0).at(0).toString(), transcript->recordingError());
    QVERIFY2(transcript->recordingError().contains(QString::fromLocal8Bit(std::strerror(ENOSPC))),
             qPrintable(transcript->recordingError()));

    // The session goes on; its later appends are dropped and counted.
    const qint64 kept = transcript->totalBytes(Direction::Received);
    const qint64 entries = transcript->entryCount();
    QVERIFY(kept > 0);
    QCOMPARE(kept, qint64(pos));
    for (; pos < stream.size(); pos += chunk)
        transcript->appendData(Direction::Received, stream.sliced(pos, std::min(chunk, stream.size() - pos)));
    transcript->appendEvent(QStringLiteral("closed_by_peer"));
    QCOMPARE(transcript->entryCount(), entries);
    QCOMPARE(transcript->droppedBytes(), stream.size() - kept);
    QVERIFY(transcript->droppedEntries() > 0);
    QCOMPARE(stopped.count(), 1);

    // Everything recorded before is readable and saves byte-exact (to a
    // disk with room), also through a snapshot.
    QCOMPARE(transcript->read(Direction::Received, 0, kept + 100), stream.first(kept));
    const TranscriptSnapshot snapshot = transcript->snapshot();
    QCOMPARE(snapshot.totalBytes(Direction::Received), kept);
    QCOMPARE(snapshot.read(Direction::Received, kept - 5000, 10000), stream.first(kept).last(5000));
    QTemporaryDir saveDir;
    const QString raw = saveDir.filePath(QStringLiteral("raw.bin"));
    QVERIFY2(TranscriptIO::save(*transcript, TranscriptIO::Format::Raw, raw, &error), qPrintable(error));
    QCOMPARE(fileContents(raw), stream.first(kept));

    // The store on the full disk is consistent: whatever reached it reopens
    // as a prefix of the stream.
    const QString id = QFileInfo(transcript->storePath()).fileName();
    transcript.reset();
    const std::shared_ptr<Transcript> reopened = history.open(id, &error);
    QVERIFY2(reopened, qPrintable(error));
    const qint64 onDisk = reopened->totalBytes(Direction::Received);
    QVERIFY(onDisk <= kept);
    QCOMPARE(reopened->read(Direction::Received, 0, onDisk), stream.first(onDisk));
    QByteArray joined;
    for (qint64 i = 0; i < reopened->entryCount(); ++i)
        joined += reopened->data(i);
    QCOMPARE(joined, stream.first(onDisk));
}

QTEST_GUILESS_MAIN(TestTranscriptStore)
#include "tst_transcriptstore.moc"
