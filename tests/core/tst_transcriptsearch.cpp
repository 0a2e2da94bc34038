// TranscriptSearch and SearchPattern: matches across chunk boundaries, the
// direction filter, next/previous/wrap order in transcript order, hex and
// case folding, progress, cancellation, and nothing past the snapshot.
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include "searchpattern.h"
#include "transcript.h"
#include "transcriptsearch.h"
#include "transcriptsnapshot.h"

using Direction = Transcript::Direction;
using Scope = TranscriptSearch::Scope;
using Status = TranscriptSearch::Status;
using Match = TranscriptSearch::Match;

namespace {

Match match(Direction direction, qint64 offset, qint64 length)
{
    Match m;
    m.direction = direction;
    m.offset = offset;
    m.length = length;
    return m;
}

TranscriptSearch::Request request(const QByteArray &pattern, Scope scope = Scope::Both, bool backward = false,
                                  const Match &from = Match())
{
    TranscriptSearch::Request r;
    r.pattern = pattern;
    r.scope = scope;
    r.backward = backward;
    r.from = from;
    return r;
}

// Filler that never contains the letters the tests look for.
QByteArray filler(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char('0' + i % 10);
    return bytes;
}

// Appends `size` bytes of filler to `direction` in chunks of `chunk`.
void appendFiller(Transcript &t, Direction direction, qint64 size, qint64 chunk = Transcript::maxChunkSize)
{
    const QByteArray block = filler(chunk);
    for (qint64 done = 0; done < size; done += chunk)
        t.appendData(direction, QByteArrayView(block).first(qMin(chunk, size - done)));
}

// Every match of `pattern`, in transcript order, found the slow way.
struct Expected {
    Match match;
    qint64 entry;
};
QList<Expected> allMatches(const Transcript &t, const QByteArray &pattern, Scope scope)
{
    QList<Expected> result;
    for (Direction d : {Direction::Sent, Direction::Received}) {
        if ((scope == Scope::Sent && d != Direction::Sent) || (scope == Scope::Received && d != Direction::Received))
            continue;
        const QByteArray stream = t.read(d, 0, t.totalBytes(d));
        for (qsizetype at = stream.indexOf(pattern); at >= 0; at = stream.indexOf(pattern, at + 1)) {
            qint64 entry = -1;
            for (qint64 i = 0; i < t.entryCount(); ++i) {
                const Transcript::Entry e = t.entry(i);
                if (e.kind == Transcript::Kind::Data && e.direction == d && at >= e.offset && at < e.offset + e.size)
                    entry = i;
            }
            result.append({match(d, at, pattern.size()), entry});
        }
    }
    std::sort(result.begin(), result.end(), [](const Expected &a, const Expected &b) {
        return a.entry != b.entry ? a.entry < b.entry : a.match.offset < b.match.offset;
    });
    return result;
}

QString describe(const Match &m)
{
    if (!m.isValid())
        return QStringLiteral("none");
    return QStringLiteral("%1@%2+%3")
        .arg(m.direction == Direction::Sent ? QStringLiteral("sent") : QStringLiteral("received"))
        .arg(m.offset)
        .arg(m.length);
}

} // namespace

class tst_TranscriptSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesPatterns_data();
    void parsesPatterns();
    void findsAcrossChunkBoundaries();
    void findsAcrossBlockBoundaries_data();
    void findsAcrossBlockBoundaries();
    void directionFilter();
    void nextAndPreviousFollowTranscriptOrder_data();
    void nextAndPreviousFollowTranscriptOrder();
    void wrapsAroundAndSaysSo();
    void denseMatches();
    void fromTheOtherDirection();
    void caseFolding();
    void foldsOnlyAsciiLetters();
    void hexBytesWithNul();
    void neverReadsPastTheSnapshot();
    void cancelStopsWithinABlock();
    void backgroundSearchReportsProgressAndResult();
    void backgroundSearchCancels();
    void newSearchSupersedesTheRunningOne();
};

void tst_TranscriptSearch::initTestCase()
{
    qRegisterMetaType<TranscriptSearch::Result>();
}

void tst_TranscriptSearch::parsesPatterns_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("hex");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("errorColumn"); // 0: valid, -1: invalid without a column

    QTest::newRow("text") << QStringLiteral("GET /") << false << QByteArray("GET /") << 0;
    QTest::newRow("text utf-8") << QStringLiteral("caf\u00e9") << false << QByteArray("caf\xc3\xa9") << 0;
    QTest::newRow("text escapes") << QStringLiteral("a\\r\\n\\x00\\\\") << false << QByteArray("a\r\n\0\\", 5) << 0;
    QTest::newRow("text bad escape") << QStringLiteral("C:\\Users") << false << QByteArray() << 3;
    QTest::newRow("text empty") << QString() << false << QByteArray() << -1;
    QTest::newRow("hex spaced") << QStringLiteral("de ad be ef") << true << QByteArray("\xde\xad\xbe\xef") << 0;
    QTest::newRow("hex run") << QStringLiteral("DEADBEEF") << true << QByteArray("\xde\xad\xbe\xef") << 0;
    QTest::newRow("hex 0x") << QStringLiteral("0x41 0x42") << true << QByteArray("AB") << 0;
    QTest::newRow("hex 0x run") << QStringLiteral("0X4142,0d0a") << true << QByteArray("AB\r\n") << 0;
    QTest::newRow("hex nul") << QStringLiteral("00 00") << true << QByteArray(2, '\0') << 0;
    QTest::newRow("hex bad digit") << QStringLiteral("de ag") << true << QByteArray() << 5;
    QTest::newRow("hex odd") << QStringLiteral("41 424") << true << QByteArray() << 4;
    QTest::newRow("hex lone 0x") << QStringLiteral("41 0x") << true << QByteArray() << 4;
    QTest::newRow("hex empty") << QStringLiteral("  ") << true << QByteArray() << -1;
    QTest::newRow("too long") << QString(SearchPattern::maxLength + 1, QLatin1Char('a')) << false << QByteArray() << -1;
}

void tst_TranscriptSearch::parsesPatterns()
{
    QFETCH(QString, input);
    QFETCH(bool, hex);
    QFETCH(QByteArray, bytes);
    QFETCH(int, errorColumn);
    const SearchPattern p = SearchPattern::parse(input, hex ? SearchPattern::Syntax::Hex : SearchPattern::Syntax::Text);
    QCOMPARE(p.isValid(), errorColumn == 0);
    QCOMPARE(p.bytes(), bytes);
    if (errorColumn == 0) {
        QVERIFY(p.errorString().isEmpty());
    } else {
        QVERIFY(!p.errorString().isEmpty());
        QCOMPARE(p.errorColumn(), qMax(0, errorColumn));
        if (errorColumn > 0)
            QVERIFY2(p.errorString().startsWith(QStringLiteral("column %1: ").arg(errorColumn)),
                     qPrintable(p.errorString()));
    }
}

void tst_TranscriptSearch::findsAcrossChunkBoundaries()
{
    Transcript t;
    t.appendData(Direction::Received, "xx he");
    t.appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:1"));
    t.appendData(Direction::Sent, "hello"); // the other direction between the halves
    t.appendData(Direction::Received, "l");
    t.appendData(Direction::Received, "lo!");
    const TranscriptSearch::Result r = TranscriptSearch::find(t.snapshot(), request("hello", Scope::Received));
    QCOMPARE(r.status, Status::Found);
    QCOMPARE(describe(r.match), describe(match(Direction::Received, 3, 5)));
    QVERIFY(!r.wrapped);
}

void tst_TranscriptSearch::findsAcrossBlockBoundaries_data()
{
    QTest::addColumn<qint64>("at");
    QTest::newRow("first byte") << qint64(0);
    QTest::newRow("across the first block") << TranscriptSearch::blockSize - 3;
    QTest::newRow("right after a block") << TranscriptSearch::blockSize;
    QTest::newRow("across the second block") << 2 * TranscriptSearch::blockSize - 1;
    QTest::newRow("last bytes") << 3 * TranscriptSearch::blockSize - 6;
}

void tst_TranscriptSearch::findsAcrossBlockBoundaries()
{
    QFETCH(qint64, at);
    QByteArray stream = filler(3 * TranscriptSearch::blockSize);
    stream.replace(at, 6, "NEEDLE");
    Transcript t;
    for (qint64 offset = 0; offset < stream.size(); offset += 1000) // chunks that do not align with blocks
        t.appendData(Direction::Received, QByteArrayView(stream).sliced(offset, qMin<qint64>(1000, stream.size() - offset)));
    const TranscriptSnapshot s = t.snapshot();
    for (bool backward : {false, true}) {
        const TranscriptSearch::Result r = TranscriptSearch::find(s, request("NEEDLE", Scope::Both, backward));
        QCOMPARE(r.status, Status::Found);
        QCOMPARE(r.match.offset, at);
        QCOMPARE(r.match.length, qint64(6));
    }
}

void tst_TranscriptSearch::directionFilter()
{
    Transcript t;
    t.appendData(Direction::Received, "0123abc");
    t.appendData(Direction::Sent, "01234567abc");
    const TranscriptSnapshot s = t.snapshot();
    QCOMPARE(describe(TranscriptSearch::find(s, request("abc", Scope::Sent)).match),
             describe(match(Direction::Sent, 8, 3)));
    QCOMPARE(describe(TranscriptSearch::find(s, request("abc", Scope::Received)).match),
             describe(match(Direction::Received, 4, 3)));
    QCOMPARE(describe(TranscriptSearch::find(s, request("abc", Scope::Both)).match),
             describe(match(Direction::Received, 4, 3)));
    QCOMPARE(describe(TranscriptSearch::find(s, request("abc", Scope::Both, true)).match),
             describe(match(Direction::Sent, 8, 3)));
    // Only in the other direction: not found.
    t.appendData(Direction::Sent, "only-sent");
    QCOMPARE(TranscriptSearch::find(t.snapshot(), request("only", Scope::Received)).status, Status::NotFound);
    QCOMPARE(TranscriptSearch::find(t.snapshot(), request("only", Scope::Sent)).status, Status::Found);
}

void tst_TranscriptSearch::nextAndPreviousFollowTranscriptOrder_data()
{
    QTest::addColumn<int>("scope");
    QTest::newRow("both") << int(Scope::Both);
    QTest::newRow("sent") << int(Scope::Sent);
    QTest::newRow("received") << int(Scope::Received);
}

void tst_TranscriptSearch::nextAndPreviousFollowTranscriptOrder()
{
    QFETCH(int, scope);
    // Interleaved directions and events, matches inside chunks and across
    // them, and over 600 entries so that offsets map through sampled entries.
    Transcript t;
    for (int i = 0; i < 160; ++i) {
        const Direction d = (i % 3 == 0) ? Direction::Sent : Direction::Received;
        switch (i % 7) {
        case 0:
            t.appendData(d, "..ab");
            t.appendEvent(TranscriptEvent::error(), QStringLiteral("x"));
            t.appendData(d == Direction::Sent ? Direction::Received : Direction::Sent, "ab..");
            t.appendData(d, "cd..");
            break;
        case 3:
            t.appendData(d, "abcd");
            break;
        default:
            t.appendData(d, filler(5 + i % 4));
            t.appendEvent(TranscriptEvent::sendFailed(), QString());
            break;
        }
    }
    const QList<Expected> expected = allMatches(t, "abcd", Scope(scope));
    QVERIFY(expected.size() >= 10);
    const TranscriptSnapshot s = t.snapshot();

    // Next from the top visits every match in order, then wraps.
    Match from;
    for (qsizetype i = 0; i <= expected.size(); ++i) {
        const TranscriptSearch::Result r = TranscriptSearch::find(s, request("abcd", Scope(scope), false, from));
        QCOMPARE(r.status, Status::Found);
        QCOMPARE(describe(r.match), describe(expected.at(i % expected.size()).match));
        QCOMPARE(r.wrapped, i == expected.size());
        from = r.match;
    }
    // Previous from the bottom visits them backwards, then wraps.
    from = Match();
    for (qsizetype i = expected.size() - 1; i >= -1; --i) {
        const TranscriptSearch::Result r = TranscriptSearch::find(s, request("abcd", Scope(scope), true, from));
        QCOMPARE(r.status, Status::Found);
        QCOMPARE(describe(r.match), describe(expected.at((i + expected.size()) % expected.size()).match));
        QCOMPARE(r.wrapped, i == -1);
        from = r.match;
    }
}

void tst_TranscriptSearch::wrapsAroundAndSaysSo()
{
    Transcript t;
    t.appendData(Direction::Received, "one match here");
    const TranscriptSnapshot s = t.snapshot();
    const Match only = match(Direction::Received, 4, 5);
    TranscriptSearch::Result r = TranscriptSearch::find(s, request("match", Scope::Both, false, only));
    QCOMPARE(r.status, Status::Found);
    QCOMPARE(describe(r.match), describe(only));
    QVERIFY(r.wrapped);

    TranscriptSearch::Request noWrap = request("match", Scope::Both, false, only);
    noWrap.wrap = false;
    r = TranscriptSearch::find(s, noWrap);
    QCOMPARE(r.status, Status::NotFound);
    QVERIFY(!r.wrapped);

    r = TranscriptSearch::find(s, request("absent"));
    QCOMPARE(r.status, Status::NotFound);
    QVERIFY(!r.wrapped);
    QVERIFY(!r.match.isValid());
}

void tst_TranscriptSearch::denseMatches()
{
    // Thousands of overlapping matches in one block: previous finds the last
    // one before the current start (overlaps allowed), next the first one at
    // or after the current end (no overlap).
    Transcript t;
    t.appendData(Direction::Sent, QByteArray(QByteArray(10000, 'a') + "b" + QByteArray(3000, 'a')));
    const TranscriptSnapshot s = t.snapshot();
    TranscriptSearch::Result r = TranscriptSearch::find(s, request("aa", Scope::Both, true));
    QCOMPARE(describe(r.match), describe(match(Direction::Sent, 13001 - 2, 2)));
    r = TranscriptSearch::find(s, request("aab", Scope::Both, true, match(Direction::Sent, 13001 - 2, 2)));
    QCOMPARE(r.match.offset, qint64(9998));
    r = TranscriptSearch::find(s, request("aa", Scope::Both, true, match(Direction::Sent, 9998, 2)));
    QCOMPARE(r.match.offset, qint64(9997));
    r = TranscriptSearch::find(s, request("aa", Scope::Both, false, match(Direction::Sent, 9997, 2)));
    QCOMPARE(r.match.offset, qint64(10001)); // 9999 and 10000 overlap "b"
    // A long periodic pattern.
    const QByteArray run(1500, 'a');
    r = TranscriptSearch::find(s, request(run, Scope::Both, true));
    QCOMPARE(r.match.offset, qint64(13001 - 1500));
    r = TranscriptSearch::find(s, request(run, Scope::Both, true, match(Direction::Sent, 10001, 1500)));
    QCOMPARE(r.match.offset, qint64(10000 - 1500));
}

void tst_TranscriptSearch::fromTheOtherDirection()
{
    Transcript t;
    t.appendData(Direction::Sent, "key1");              // entry 0
    t.appendData(Direction::Received, "selected text"); // entry 1
    t.appendData(Direction::Sent, "key2");              // entry 2
    const TranscriptSnapshot s = t.snapshot();
    const Match selection = match(Direction::Received, 0, 8);
    QCOMPARE(describe(TranscriptSearch::find(s, request("key", Scope::Sent, false, selection)).match),
             describe(match(Direction::Sent, 4, 3)));
    QCOMPARE(describe(TranscriptSearch::find(s, request("key", Scope::Sent, true, selection)).match),
             describe(match(Direction::Sent, 0, 3)));
    // An empty selection (a caret) at the start of the received chunk.
    const Match caret = match(Direction::Received, 0, 0);
    QCOMPARE(describe(TranscriptSearch::find(s, request("key", Scope::Sent, false, caret)).match),
             describe(match(Direction::Sent, 4, 3)));
}

void tst_TranscriptSearch::caseFolding()
{
    Transcript t;
    t.appendData(Direction::Received, "Content-Length: 5\r\nCAF\xc3\x89");
    const TranscriptSnapshot s = t.snapshot();
    TranscriptSearch::Request r = request("content-length");
    QCOMPARE(TranscriptSearch::find(s, r).status, Status::NotFound);
    r.caseSensitive = false;
    QCOMPARE(describe(TranscriptSearch::find(s, r).match), describe(match(Direction::Received, 0, 14)));
    r.pattern = "LENGTH: 5\r\n";
    QCOMPARE(TranscriptSearch::find(s, r).match.offset, qint64(8));
    // ASCII only: "é" (c3 a9) does not match "É" (c3 89), "caf" matches "CAF".
    r.pattern = "caf\xc3\xa9";
    QCOMPARE(TranscriptSearch::find(s, r).status, Status::NotFound);
    r.pattern = "caf\xc3\x89";
    QCOMPARE(TranscriptSearch::find(s, r).match.offset, qint64(19));
}

void tst_TranscriptSearch::foldsOnlyAsciiLetters()
{
    // Every byte value, at odd offsets (so that both the eight-byte and the
    // byte-wise folding see each), twice.
    QByteArray bytes("-=-");
    for (int round = 0; round < 2; ++round) {
        for (int b = 0; b < 256; ++b)
            bytes += char(b);
        bytes += "abcdefghijklmnopqrstuvwxyz";
    }
    const auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c; };
    Transcript t;
    t.appendData(Direction::Received, bytes);
    const TranscriptSnapshot s = t.snapshot();
    for (int b = 0; b < 256; ++b) {
        for (bool backward : {false, true}) {
            TranscriptSearch::Request r = request(QByteArray(1, char(b)), Scope::Both, backward);
            r.caseSensitive = false;
            qint64 expected = -1;
            for (qsizetype i = 0; i < bytes.size(); ++i) {
                if (fold(bytes.at(i)) == fold(char(b)) && (expected < 0 || backward))
                    expected = i;
            }
            QCOMPARE(TranscriptSearch::find(s, r).match.offset, expected);
        }
    }
    // Case-sensitive: exactly the byte.
    TranscriptSearch::Request r = request("K");
    QCOMPARE(TranscriptSearch::find(s, r).match.offset, qint64(3 + 'K'));
    r.pattern = "k";
    QCOMPARE(TranscriptSearch::find(s, r).match.offset, qint64(3 + 'k'));
    r.caseSensitive = false;
    QCOMPARE(TranscriptSearch::find(s, r).match.offset, qint64(3 + 'K'));
}

void tst_TranscriptSearch::hexBytesWithNul()
{
    Transcript t;
    t.appendData(Direction::Received, QByteArray("\x01\x00\xde\xad", 4));
    t.appendData(Direction::Received, QByteArray("\xbe\xef\x00", 3));
    const SearchPattern p = SearchPattern::parse(QStringLiteral("00 de ad be ef 00"), SearchPattern::Syntax::Hex);
    QVERIFY(p.isValid());
    TranscriptSearch::Request r = request(p.bytes());
    r.caseSensitive = p.caseSensitive();
    QCOMPARE(describe(TranscriptSearch::find(t.snapshot(), r).match), describe(match(Direction::Received, 1, 6)));
}

void tst_TranscriptSearch::neverReadsPastTheSnapshot()
{
    Transcript t;
    t.appendData(Direction::Received, "abc-END");
    const TranscriptSnapshot s = t.snapshot();
    t.appendData(Direction::Received, "LATER and END");
    t.appendData(Direction::Sent, "LATER");
    QCOMPARE(TranscriptSearch::find(s, request("LATER")).status, Status::NotFound);
    // A match ending on the snapshot's last byte is found; one reaching past it is not.
    QCOMPARE(describe(TranscriptSearch::find(s, request("END")).match), describe(match(Direction::Received, 4, 3)));
    QCOMPARE(TranscriptSearch::find(s, request("ENDL")).status, Status::NotFound);
    QCOMPARE(TranscriptSearch::find(s, request("END", Scope::Both, true)).match.offset, qint64(4));
    QCOMPARE(TranscriptSearch::find(t.snapshot(), request("END", Scope::Both, true)).match.offset, qint64(17));
    // Empty snapshot and a pattern longer than the stream.
    QCOMPARE(TranscriptSearch::find(TranscriptSnapshot(), request("x")).status, Status::NotFound);
    QCOMPARE(TranscriptSearch::find(s, request("abc-END-and-more")).status, Status::NotFound);
}

void tst_TranscriptSearch::cancelStopsWithinABlock()
{
    Transcript t;
    appendFiller(t, Direction::Received, 32 * 1024 * 1024);
    const TranscriptSnapshot s = t.snapshot();
    std::atomic<bool> cancel{false};
    QList<qint64> seen;
    const TranscriptSearch::Result r = TranscriptSearch::find(s, request("absent"), &cancel,
                                                              [&](qint64 scanned, qint64 total) {
                                                                  seen.append(scanned);
                                                                  QCOMPARE(total, s.totalBytes(Direction::Received));
                                                                  if (scanned >= 3 * TranscriptSearch::blockSize)
                                                                      cancel = true;
                                                              });
    QCOMPARE(r.status, Status::Cancelled);
    QVERIFY(!r.match.isValid());
    QCOMPARE(r.bytesScanned, 3 * TranscriptSearch::blockSize); // stopped before the next block
    QCOMPARE(seen, (QList<qint64>{TranscriptSearch::blockSize, 2 * TranscriptSearch::blockSize,
                                  3 * TranscriptSearch::blockSize}));

    // Without cancelling, the same search scans everything, in blocks.
    seen.clear();
    const TranscriptSearch::Result full = TranscriptSearch::find(s, request("absent"), nullptr,
                                                                 [&](qint64 scanned, qint64) { seen.append(scanned); });
    QCOMPARE(full.status, Status::NotFound);
    QCOMPARE(seen.size(), 32);
    QVERIFY(full.bytesScanned >= s.totalBytes(Direction::Received) - 5);
}

void tst_TranscriptSearch::backgroundSearchReportsProgressAndResult()
{
    Transcript t;
    appendFiller(t, Direction::Received, 20 * 1024 * 1024, 40000);
    t.appendData(Direction::Received, "the NEEDLE");
    TranscriptSearch search;
    QSignalSpy progress(&search, &TranscriptSearch::progress);
    QSignalSpy finished(&search, &TranscriptSearch::finished);
    search.start(t.snapshot(), request("needle", Scope::Both, false));
    QVERIFY(search.isRunning());
    QVERIFY(finished.wait(60000));
    QVERIFY(!search.isRunning());
    auto r = finished.at(0).at(0).value<TranscriptSearch::Result>();
    QCOMPARE(r.status, Status::NotFound); // case-sensitive by default

    TranscriptSearch::Request folded = request("needle");
    folded.caseSensitive = false;
    search.start(t.snapshot(), folded);
    QVERIFY(finished.wait(60000));
    r = finished.at(1).at(0).value<TranscriptSearch::Result>();
    QCOMPARE(r.status, Status::Found);
    QCOMPARE(r.match.offset, 20 * 1024 * 1024 + 4);
    QCOMPARE(finished.size(), 2);

    // Progress: in steps, growing, within the total.
    QVERIFY(progress.size() >= 10);
    for (qsizetype i = 0; i < progress.size(); ++i) {
        const qint64 scanned = progress.at(i).at(0).toLongLong();
        const qint64 total = progress.at(i).at(1).toLongLong();
        QCOMPARE(total, t.totalBytes(Direction::Received) + t.totalBytes(Direction::Sent));
        QVERIFY(scanned > 0 && scanned < total);
    }
}

void tst_TranscriptSearch::backgroundSearchCancels()
{
    Transcript t;
    appendFiller(t, Direction::Sent, 16 * 1024 * 1024);
    appendFiller(t, Direction::Received, 16 * 1024 * 1024);
    TranscriptSearch search;
    // Hold the worker after its second block until the test has cancelled.
    QSemaphore reached;
    QSemaphore proceed;
    std::atomic<int> blocks{0};
    search.setBlockObserver([&](qint64) {
        if (++blocks == 2) {
            reached.release();
            proceed.acquire();
        }
    });
    QSignalSpy finished(&search, &TranscriptSearch::finished);
    search.start(t.snapshot(), request("absent"));
    reached.acquire();
    search.cancel();
    QVERIFY(search.isRunning()); // until the worker acknowledges
    proceed.release();
    QVERIFY(finished.wait(60000));
    const auto r = finished.at(0).at(0).value<TranscriptSearch::Result>();
    QCOMPARE(r.status, Status::Cancelled);
    QCOMPARE(r.bytesScanned, 2 * TranscriptSearch::blockSize);
    QCOMPARE(blocks.load(), 2);
    QVERIFY(!search.isRunning());

    // cancelAndWait() returns once the worker has stopped: its result is
    // posted by then, so it is delivered without waiting. The cancel comes
    // while the worker is held, so the search cannot finish first (a cancel
    // after the last block would rightly report the search's own result).
    blocks = 0;
    search.start(t.snapshot(), request("absent"));
    reached.acquire();
    search.cancel();
    proceed.release();
    search.cancelAndWait();
    QCOMPARE(blocks.load(), 2);
    QCOMPARE(finished.size(), 1);
    QCoreApplication::sendPostedEvents();
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished.at(1).at(0).value<TranscriptSearch::Result>().status, Status::Cancelled);
    QVERIFY(!search.isRunning());

    // cancelAndWait() alone, with nothing held: it stops the worker, which
    // reports Cancelled, or NotFound if it had scanned everything already.
    search.setBlockObserver({});
    search.start(t.snapshot(), request("absent"));
    search.cancelAndWait();
    QCOMPARE(finished.size(), 2);
    QCoreApplication::sendPostedEvents();
    QCOMPARE(finished.size(), 3);
    const auto last = finished.at(2).at(0).value<TranscriptSearch::Result>();
    QVERIFY(last.status == Status::Cancelled || last.status == Status::NotFound);
    QVERIFY(!search.isRunning());
}

void tst_TranscriptSearch::newSearchSupersedesTheRunningOne()
{
    Transcript t;
    appendFiller(t, Direction::Received, 8 * 1024 * 1024);
    t.appendData(Direction::Received, "second");
    TranscriptSearch search;
    QSemaphore reached;
    QSemaphore proceed;
    std::atomic<int> blocks{0};
    search.setBlockObserver([&](qint64) {
        if (++blocks == 1) {
            reached.release();
            proceed.acquire();
        }
    });
    QSignalSpy finished(&search, &TranscriptSearch::finished);
    search.start(t.snapshot(), request("first"));
    reached.acquire();
    search.setBlockObserver({});
    search.start(t.snapshot(), request("second"));
    proceed.release();
    QVERIFY(finished.wait(60000));
    QTRY_VERIFY(!search.isRunning());
    QCOMPARE(finished.size(), 1);
    const auto r = finished.at(0).at(0).value<TranscriptSearch::Result>();
    QCOMPARE(r.status, Status::Found);
    QCOMPARE(r.match.offset, 8 * 1024 * 1024);
}

QTEST_GUILESS_MAIN(tst_TranscriptSearch)
#include "tst_transcriptsearch.moc"
