// TranscriptLayout: rows like the text export, long lines cut lazily, hex
// rows like hexdump -C, and an index that stays bounded.
#include <algorithm>

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "transcript.h"
#include "transcripthistory.h"
#include "transcriptlayout.h"
#include "transcripttext.h"

using Direction = Transcript::Direction;
using Mode = TranscriptLayout::Mode;

class TranscriptLayoutTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textRowsAreTheExportLines();
    void longLineIsCutIntoContinuationRows();
    void cutsNeverSplitUtf8();
    void indexStaysBoundedAndAgrees();
    void indexesInSteps();
    void hexRowsLikeHexdump();
    void hexRunsEndAtDirectionChangesAndDatagrams();
    void rowOfByteFindsTheColumn();
    void recordedRowCountsAgreeWithTheData();
    void byteAtInvertsRowOfByte();
    void byteAtColumnsOfEscapesAndHex();
    void byteAtAfterRowsAndEvents();
    void bytesBeforeEntryCountsBothDirections();
    void hintAndBlockReadsAgree();

private:
    static QStringList allText(const TranscriptLayout &layout, Mode mode, bool withTimes = false)
    {
        QStringList lines;
        for (const TranscriptLayout::Row &row : layout.rows(mode, 0, layout.rowCount(mode)))
            lines.append(layout.text(mode, row, withTimes));
        return lines;
    }
    static void fill(Transcript &transcript, int entries, quint32 seed)
    {
        QRandomGenerator random(seed);
        for (int i = 0; i < entries; ++i) {
            if (random.bounded(10) == 0) {
                transcript.appendEvent(TranscriptEvent::error(), QStringLiteral("event %1").arg(i));
                continue;
            }
            QByteArray bytes;
            const int lines = int(random.bounded(4));
            for (int l = 0; l < lines; ++l)
                bytes += QByteArray(int(random.bounded(40)), char('a' + l)) + '\n';
            bytes += QByteArray(int(random.bounded(3000)), 'z');
            if (bytes.isEmpty())
                bytes = "x";
            transcript.appendData(random.bounded(2) ? Direction::Sent : Direction::Received, bytes);
        }
    }
};

void TranscriptLayoutTest::textRowsAreTheExportLines()
{
    Transcript transcript;
    transcript.start();
    transcript.appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:7"));
    transcript.appendData(Direction::Sent, "GET / HTTP/1.0\r\n\r\n");
    transcript.appendData(Direction::Received, QByteArray("caf\xc3\xa9\x00\xff\nlast", 12), QStringLiteral("[::1]:53"));
    transcript.appendEvent(TranscriptEvent::error(), QStringLiteral("two\nlines"));
    QStringList expected;
    for (qint64 i = 0; i < transcript.entryCount(); ++i)
        expected += TranscriptText::entryLines(transcript.entry(i), transcript.data(i), true);

    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    QCOMPARE(layout.indexMore(1 << 20), transcript.entryCount());
    QVERIFY(layout.isComplete());
    QCOMPARE(layout.rowCount(Mode::Text), expected.size());
    QCOMPARE(allText(layout, Mode::Text, true), expected);
    QCOMPARE(layout.firstRowOfEntry(Mode::Text, 3), 5);
}

void TranscriptLayoutTest::longLineIsCutIntoContinuationRows()
{
    Transcript transcript;
    QByteArray line;
    while (line.size() < Transcript::maxChunkSize)
        line += "0123456789\x01";
    line.truncate(Transcript::maxChunkSize);
    transcript.appendData(Direction::Received, line);
    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    layout.indexMore(1 << 20);
    const qint64 rows = layout.rowCount(Mode::Text);
    QCOMPARE(rows, Transcript::maxChunkSize / TranscriptLayout::maxRowBytes);
    QString joined;
    const QList<TranscriptLayout::Row> all = layout.rows(Mode::Text, 0, rows);
    for (const TranscriptLayout::Row &row : all) {
        QCOMPARE(row.continuation, row.begin > 0);
        QVERIFY(row.end - row.begin <= TranscriptLayout::maxRowBytes);
        joined += layout.body(Mode::Text, row);
    }
    QCOMPARE(joined, TranscriptText::escape(line));
    QVERIFY(layout.head(Mode::Text, all.at(1), false).startsWith(QStringLiteral("<\u2026")));
}

void TranscriptLayoutTest::cutsNeverSplitUtf8()
{
    // Three-byte characters and stray continuation bytes at every phase.
    for (int phase = 0; phase < 4; ++phase) {
        Transcript transcript;
        QByteArray bytes(phase, 'a');
        while (bytes.size() < 5000)
            bytes += (bytes.size() / 700) % 2 ? QByteArray("\xe2\x82\xac") : QByteArray("\x80\xbf\xbf\xbf\xbf");
        transcript.appendData(Direction::Sent, bytes);
        TranscriptLayout layout;
        layout.setTranscript(&transcript);
        layout.indexMore(1 << 20);
        QString joined;
        for (const TranscriptLayout::Row &row : layout.rows(Mode::Text, 0, layout.rowCount(Mode::Text)))
            joined += layout.body(Mode::Text, row);
        QCOMPARE(joined, TranscriptText::escape(bytes));
    }
}

void TranscriptLayoutTest::indexStaysBoundedAndAgrees()
{
    Transcript transcript;
    TranscriptLayout bounded(16);
    TranscriptLayout full(1 << 20);
    bounded.setTranscript(&transcript);
    full.setTranscript(&transcript);
    qsizetype largest = 0;
    for (int round = 0; round < 8; ++round) {
        fill(transcript, 500, quint32(round));
        bounded.indexMore(1LL << 40);
        full.indexMore(1LL << 40);
        largest = std::max(largest, bounded.checkpointCount());
        QVERIFY(bounded.checkpointCount() <= 17);
    }
    QCOMPARE(bounded.stride(), 256); // 4000 entries, at most 16 checkpoints
    QCOMPARE(full.stride(), 1);
    QVERIFY(bounded.indexBytes() < 2048);
    QCOMPARE(bounded.rowCount(Mode::Text), full.rowCount(Mode::Text));
    QCOMPARE(bounded.rowCount(Mode::Hex), full.rowCount(Mode::Hex));
    QRandomGenerator random(42);
    for (Mode mode : {Mode::Text, Mode::Hex}) {
        for (int i = 0; i < 50; ++i) {
            const qint64 first = qint64(random.bounded(quint32(full.rowCount(mode))));
            const QList<TranscriptLayout::Row> a = bounded.rows(mode, first, 40);
            const QList<TranscriptLayout::Row> b = full.rows(mode, first, 40);
            QCOMPARE(a.size(), b.size());
            for (qsizetype k = 0; k < a.size(); ++k) {
                QCOMPARE(a.at(k).entry, b.at(k).entry);
                QCOMPARE(a.at(k).begin, b.at(k).begin);
                QCOMPARE(bounded.text(mode, a.at(k), false), full.text(mode, b.at(k), false));
            }
            const qint64 entry = qint64(random.bounded(quint32(transcript.entryCount())));
            QCOMPARE(bounded.firstRowOfEntry(mode, entry), full.firstRowOfEntry(mode, entry));
        }
    }
}

void TranscriptLayoutTest::indexesInSteps()
{
    Transcript transcript;
    fill(transcript, 300, 7);
    TranscriptLayout whole;
    whole.setTranscript(&transcript);
    whole.indexMore(1LL << 40);
    TranscriptLayout steps;
    steps.setTranscript(&transcript);
    int calls = 0;
    while (!steps.isComplete()) {
        QVERIFY(steps.indexMore(10000) >= 1);
        ++calls;
    }
    QVERIFY(calls > 10);
    QCOMPARE(steps.rowCount(Mode::Text), whole.rowCount(Mode::Text));
    QCOMPARE(allText(steps, Mode::Hex), allText(whole, Mode::Hex));
}

void TranscriptLayoutTest::hexRowsLikeHexdump()
{
    Transcript transcript;
    transcript.appendData(Direction::Received, "Hello World\n");
    transcript.appendData(Direction::Received, "0123456789abcdefXYZ"); // same run: continues the row
    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    layout.indexMore(1 << 20);
    const QStringList expected = {
        QStringLiteral("< 00000000  48 65 6c 6c 6f 20 57 6f  72 6c 64 0a 30 31 32 33  |Hello World.0123|"),
        QStringLiteral("< 00000010  34 35 36 37 38 39 61 62  63 64 65 66 58 59 5a     |456789abcdefXYZ|"),
    };
    QCOMPARE(allText(layout, Mode::Hex), expected);
    QCOMPARE(layout.firstRowOfEntry(Mode::Hex, 1), 1);
}

void TranscriptLayoutTest::hexRunsEndAtDirectionChangesAndDatagrams()
{
    Transcript transcript;
    transcript.appendData(Direction::Sent, "abc");
    transcript.appendData(Direction::Received, "0123456789");
    transcript.appendData(Direction::Sent, "defghijklmnopq"); // sent stream offset 3: a padded first row
    transcript.appendEvent(TranscriptEvent::closedByPeer());
    transcript.appendData(Direction::Received, "xy", QStringLiteral("127.0.0.1:9"));
    transcript.appendData(Direction::Received, "zz", QStringLiteral("127.0.0.1:9"));
    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    layout.indexMore(1 << 20);
    const QStringList expected = {
        QStringLiteral("> 00000000  61 62 63                                          |abc|"),
        QStringLiteral("< 00000000  30 31 32 33 34 35 36 37  38 39                    |0123456789|"),
        QStringLiteral("> 00000000           64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |   defghijklmnop|"),
        QStringLiteral("> 00000010  71                                                |q|"),
        QStringLiteral("* closed by peer"),
    };
    const QStringList actual = allText(layout, Mode::Hex);
    QCOMPARE(actual.size(), 7);
    QCOMPARE(actual.mid(0, 5), expected.mid(0, 5));
    // Datagrams: each its own run, at its own offset.
    QVERIFY2(actual.at(5).startsWith(QStringLiteral("<(127.0.0.1:9) 00000000  ")), qPrintable(actual.at(5)));
    QCOMPARE(actual.at(5), QStringLiteral("<(127.0.0.1:9) 00000000                                 78 79              |          xy|"));
    QCOMPARE(actual.at(6), QStringLiteral("<(127.0.0.1:9) 00000000                                       7a 7a        |            zz|"));
}

void TranscriptLayoutTest::rowOfByteFindsTheColumn()
{
    Transcript transcript;
    fill(transcript, 400, 3);
    transcript.appendData(Direction::Received, "needle in a\nhaystack\x01needle");
    TranscriptLayout layout(8);
    layout.setTranscript(&transcript);
    layout.indexMore(1LL << 40);
    const qint64 total = transcript.totalBytes(Direction::Received);
    const qint64 offset = total - 6; // the last "needle"
    for (bool withTimes : {false, true}) {
        qint64 row = -1;
        qsizetype column = -1;
        QVERIFY(layout.rowOfByte(Mode::Text, Direction::Received, offset, withTimes, &row, &column));
        QCOMPARE(row, layout.rowCount(Mode::Text) - 1);
        const QString text = layout.text(Mode::Text, layout.rows(Mode::Text, row, 1).first(), withTimes);
        QCOMPARE(text.mid(column), QStringLiteral("needle"));
        QVERIFY(layout.rowOfByte(Mode::Hex, Direction::Received, offset, withTimes, &row, &column));
        const QString hex = layout.text(Mode::Hex, layout.rows(Mode::Hex, row, 1).first(), withTimes);
        QCOMPARE(hex.mid(column, 2), QStringLiteral("6e")); // 'n'
    }
    qint64 row = 0;
    qsizetype column = 0;
    QVERIFY(!layout.rowOfByte(Mode::Text, Direction::Received, total, false, &row, &column));
}


// Each data entry records its row count when appended, so indexing need not
// read the data back; a store without the counts (an older one) is read and
// cut instead, and both give the same rows.
void TranscriptLayoutTest::recordedRowCountsAgreeWithTheData()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const TranscriptHistory history(dir.path());
    QString error;
    std::shared_ptr<Transcript> recorded = history.createTranscript(QStringLiteral("localhost"), 7, &error);
    QVERIFY2(recorded, qPrintable(error));
    recorded->start();
    fill(*recorded, 1500, 11);
    // Large appends (written without the write buffer, cut into entries)
    // with lines longer than a row and UTF-8 around the cuts.
    QByteArray large;
    while (large.size() < 3 * Transcript::maxChunkSize + 17)
        large += QByteArray(1500, 'w') + "\xc3\xa9\xe2\x82\xac" + QByteArray(700, 'v') + '\n';
    recorded->appendData(Direction::Received, large);
    fill(*recorded, 100, 12);
    qint64 dataEntries = 0;
    for (qint64 i = 0; i < recorded->entryCount(); ++i) {
        const Transcript::Entry entry = recorded->entry(i);
        if (entry.kind != Transcript::Kind::Data)
            continue;
        ++dataEntries;
        QCOMPARE(entry.textRows, TranscriptLayout::countTextRows(recorded->data(i)));
        QVERIFY(entry.textRows > 0);
    }
    QVERIFY(dataEntries > 1000);
    const QString id = QFileInfo(recorded->storePath()).fileName();
    const QString entriesPath = recorded->storePath() + QStringLiteral("/entries.bin");
    recorded.reset();

    struct Shown {
        qint64 rows[2];
        QStringList text[2];
        QList<qint64> firstRows[2];
    };
    const auto show = [&](Shown *out) {
        const std::shared_ptr<Transcript> transcript = history.open(id, &error);
        QVERIFY2(transcript, qPrintable(error));
        TranscriptLayout layout(16); // a stride above 1: rows are found from checkpoints
        layout.setTranscript(transcript.get());
        layout.indexMore(1LL << 40);
        for (Mode mode : {Mode::Text, Mode::Hex}) {
            const int m = mode == Mode::Text ? 0 : 1;
            out->rows[m] = layout.rowCount(mode);
            out->text[m] = allText(layout, mode);
            for (qint64 entry = 0; entry < transcript->entryCount(); entry += 97)
                out->firstRows[m].append(layout.firstRowOfEntry(mode, entry));
        }
    };
    Shown withCounts;
    show(&withCounts);

    // The same store without the counts: bits 8-31 of each record's flags.
    QFile entries(entriesPath);
    QVERIFY(entries.open(QIODevice::ReadWrite));
    QByteArray records = entries.readAll();
    for (qsizetype at = 0; at < records.size(); at += 40) {
        records[at + 1] = 0;
        records[at + 2] = 0;
        records[at + 3] = 0;
    }
    QVERIFY(entries.seek(0));
    QCOMPARE(entries.write(records), records.size());
    entries.close();
    QCOMPARE(history.open(id, &error)->entry(1).textRows, 0);
    Shown withoutCounts;
    show(&withoutCounts);
    for (int m : {0, 1}) {
        QCOMPARE(withoutCounts.rows[m], withCounts.rows[m]);
        QCOMPARE(withoutCounts.text[m], withCounts.text[m]);
        QCOMPARE(withoutCounts.firstRows[m], withCounts.firstRows[m]);
    }
}

void TranscriptLayoutTest::byteAtInvertsRowOfByte()
{
    Transcript transcript;
    transcript.start();
    fill(transcript, 60, 5);
    // Escapes of several widths, a long line cut into continuation rows
    // (with escapes at the cuts), hex runs across chunks, a datagram.
    static const char specialBytes[] = "GET /\\x HTTP/1.0\r\n\x00\x01\x7f\t\\ caf\xc3\xa9 \xff\xfe end\n";
    const QByteArray special(specialBytes, sizeof specialBytes - 1);
    QByteArray longLine;
    while (longLine.size() < 3 * TranscriptLayout::maxRowBytes)
        longLine += QByteArray("0123456789abcdef\x00\x1b", 18);
    longLine += '\n';
    // Every byte from here on; before, a sample (the filler is plain text).
    const qint64 firstChecked[2] = {transcript.totalBytes(Direction::Sent), transcript.totalBytes(Direction::Received)};
    transcript.appendData(Direction::Sent, special);
    transcript.appendEvent(TranscriptEvent::closedByPeer());
    transcript.appendData(Direction::Received, longLine);
    transcript.appendData(Direction::Received, "tail of the run");
    transcript.appendData(Direction::Sent, "x\x00y", QStringLiteral("127.0.0.1:9"));
    TranscriptLayout layout(8);
    layout.setTranscript(&transcript);
    layout.indexMore(1LL << 40);
    QVERIFY(layout.stride() > 1);
    int continuations = 0;
    for (const TranscriptLayout::Row &row : layout.rows(Mode::Text, 0, layout.rowCount(Mode::Text)))
        continuations += row.continuation ? 1 : 0;
    QVERIFY(continuations >= 2);

    for (Mode mode : {Mode::Text, Mode::Hex}) {
        for (bool withTimes : {false, true}) {
            for (Direction direction : {Direction::Sent, Direction::Received}) {
                const qint64 total = transcript.totalBytes(direction);
                const QByteArray stream = transcript.read(direction, 0, total);
                const qint64 from = firstChecked[direction == Direction::Sent ? 0 : 1];
                for (qint64 offset = 0; offset < total; offset += offset < from ? 61 : 1) {
                    // A UTF-8 continuation byte has no column of its own in text.
                    if (mode == Mode::Text && (uchar(stream.at(offset)) & 0xC0) == 0x80 && offset > 0
                        && uchar(stream.at(offset - 1)) >= 0xC2 && uchar(stream.at(offset - 1)) < 0xF5)
                        continue;
                    qint64 row = -1;
                    qsizetype column = -1;
                    QVERIFY(layout.rowOfByte(mode, direction, offset, withTimes, &row, &column));
                    Direction foundDirection = direction == Direction::Sent ? Direction::Received : Direction::Sent;
                    qint64 found = -1;
                    QVERIFY(layout.byteAt(mode, row, column, withTimes, &foundDirection, &found));
                    if (foundDirection != direction || found != offset) {
                        QFAIL(qPrintable(QStringLiteral("mode %1 times %2 direction %3 offset %4 -> row %5 column %6 "
                                                        "-> offset %7")
                                             .arg(int(mode))
                                             .arg(withTimes)
                                             .arg(int(direction))
                                             .arg(offset)
                                             .arg(row)
                                             .arg(column)
                                             .arg(found)));
                    }
                }
            }
        }
    }
}

void TranscriptLayoutTest::byteAtColumnsOfEscapesAndHex()
{
    Transcript transcript;
    transcript.appendData(Direction::Sent, "ab");
    transcript.appendData(Direction::Received, QByteArray("\x00z\xc3\xa9!", 5));
    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    layout.indexMore(1 << 20);
    QCOMPARE(layout.text(Mode::Text, layout.rows(Mode::Text, 1, 1).first(), false), QStringLiteral("< \\0z\u00e9!"));
    const auto byteAt = [&](Mode mode, qint64 row, qsizetype column) {
        Direction direction = Direction::Sent;
        qint64 offset = -1;
        if (!layout.byteAt(mode, row, column, false, &direction, &offset))
            return qint64(-2);
        return direction == Direction::Received ? offset : -1 - offset;
    };
    // "< \0z\u00e9!": the head, then "\0" covers columns 2-3, "z" 4, "\u00e9" (two bytes) 5, "!" 6.
    const QList<qint64> expected = {0, 0, 0, 0, 1, 2, 4, 5, 5};
    for (qsizetype column = 0; column < expected.size(); ++column)
        QCOMPARE(byteAt(Mode::Text, 1, column), expected.at(column));

    // Hex: "< 00000000  00 7a c3 a9 21 ... |.z..!|", byte i at 12 + 3i and at the ASCII column.
    const QString hex = layout.text(Mode::Hex, layout.rows(Mode::Hex, 1, 1).first(), false);
    QCOMPARE(hex.left(27), QStringLiteral("< 00000000  00 7a c3 a9 21 "));
    QCOMPARE(byteAt(Mode::Hex, 1, 0), 0);   // head
    QCOMPARE(byteAt(Mode::Hex, 1, 5), 0);   // offset digits
    QCOMPARE(byteAt(Mode::Hex, 1, 12), 0);
    QCOMPARE(byteAt(Mode::Hex, 1, 14), 0);  // the space after a byte's digits
    QCOMPARE(byteAt(Mode::Hex, 1, 15), 1);
    QCOMPARE(byteAt(Mode::Hex, 1, 25), 4);
    const qsizetype ascii = hex.indexOf(QLatin1Char('|')) + 1;
    QCOMPARE(byteAt(Mode::Hex, 1, ascii + 1), 1);
    QCOMPARE(byteAt(Mode::Hex, 1, ascii + 4), 4);
}

void TranscriptLayoutTest::byteAtAfterRowsAndEvents()
{
    Transcript transcript;
    transcript.appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:7"));
    transcript.appendData(Direction::Sent, "one\ntwo\n");
    transcript.appendEvent(TranscriptEvent::closedByPeer());
    transcript.appendData(Direction::Received, "reply");
    transcript.appendEvent(TranscriptEvent::error(), QStringLiteral("gone"));
    TranscriptLayout layout;
    layout.setTranscript(&transcript);
    layout.indexMore(1 << 20);
    // Text rows: * connected, > one, > two, * closed, < reply, * error.
    QCOMPARE(layout.rowCount(Mode::Text), 6);
    Direction direction = Direction::Received;
    qint64 offset = -1;
    const qsizetype far = 1000;
    QVERIFY(layout.byteAt(Mode::Text, 0, 3, false, &direction, &offset)); // an event: the next data byte
    QCOMPARE(direction, Direction::Sent);
    QCOMPARE(offset, 0);
    QVERIFY(layout.byteAt(Mode::Text, 1, far, false, &direction, &offset)); // after "one\n": the next row
    QCOMPARE(direction, Direction::Sent);
    QCOMPARE(offset, 4);
    QVERIFY(layout.byteAt(Mode::Text, 2, far, false, &direction, &offset)); // after the entry: the next data entry
    QCOMPARE(direction, Direction::Received);
    QCOMPARE(offset, 0);
    QVERIFY(layout.byteAt(Mode::Text, 3, 0, false, &direction, &offset));
    QCOMPARE(direction, Direction::Received);
    QCOMPARE(offset, 0);
    QVERIFY(layout.byteAt(Mode::Text, 4, far, false, &direction, &offset)); // no data after: the stream's end
    QCOMPARE(direction, Direction::Received);
    QCOMPARE(offset, 5);
    QVERIFY(!layout.byteAt(Mode::Text, 5, 0, false, &direction, &offset)); // the last event
    QVERIFY(!layout.byteAt(Mode::Text, 6, 0, false, &direction, &offset)); // no such row
    // Hex: * connected, > one\ntwo\n, * closed, < reply, * error.
    QCOMPARE(layout.rowCount(Mode::Hex), 5);
    QVERIFY(layout.byteAt(Mode::Hex, 1, far, false, &direction, &offset));
    QCOMPARE(direction, Direction::Received);
    QCOMPARE(offset, 0);
    QVERIFY(layout.byteAt(Mode::Hex, 3, far, false, &direction, &offset));
    QCOMPARE(direction, Direction::Received);
    QCOMPARE(offset, 5);
}

void TranscriptLayoutTest::bytesBeforeEntryCountsBothDirections()
{
    Transcript transcript;
    fill(transcript, 300, 7);
    TranscriptLayout layout(8);
    layout.setTranscript(&transcript);
    layout.indexMore(1LL << 40);
    QVERIFY(layout.stride() > 1);
    qint64 bytes = 0;
    for (qint64 e = 0; e <= transcript.entryCount(); ++e) {
        QCOMPARE(layout.bytesBeforeEntry(e), bytes);
        if (e < transcript.entryCount() && transcript.entry(e).kind == Transcript::Kind::Data)
            bytes += transcript.entry(e).size;
    }
}

// Tiny entries (datagrams from a few sources, short chunks of both
// directions, events, a few long lines) queried in random and in
// consecutive orders, switching modes: a layout with a few checkpoints
// (long walks, from its hint or a checkpoint, over entries read in blocks)
// answers exactly like one with a checkpoint at every entry. The entries
// outgrow the store's write buffer, so blocks straddle disk and buffer, and
// the transcript grows between rounds of queries.
void TranscriptLayoutTest::hintAndBlockReadsAgree()
{
    Transcript transcript;
    transcript.start();
    TranscriptLayout layout(8);
    TranscriptLayout reference(1 << 20);
    layout.setTranscript(&transcript);
    reference.setTranscript(&transcript);
    QRandomGenerator random(99);
    const QStringList sources = {QStringLiteral("127.0.0.1:5353"), QStringLiteral("[::1]:9")};
    const auto sameRows = [&](Mode mode, const QList<TranscriptLayout::Row> &a, const QList<TranscriptLayout::Row> &b,
                              bool withTimes) {
        if (a.size() != b.size())
            return false;
        for (qsizetype k = 0; k < a.size(); ++k) {
            if (a.at(k).entry != b.at(k).entry || a.at(k).begin != b.at(k).begin || a.at(k).end != b.at(k).end
                || a.at(k).continuation != b.at(k).continuation
                || layout.text(mode, a.at(k), withTimes) != reference.text(mode, b.at(k), withTimes)) {
                return false;
            }
        }
        return true;
    };
    qint64 lastRow[2] = {0, 0};
    qint64 lastEntry = 0;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 3000; ++i) {
            const quint32 kind = random.bounded(40);
            if (kind == 0) {
                transcript.appendEvent(TranscriptEvent::error(), QStringLiteral("event %1").arg(i));
            } else if (kind == 1) {
                transcript.appendData(Direction::Received, QByteArray(QByteArray(int(random.bounded(1000, 3000)), 'L') + '\n'));
            } else if (kind < 20) {
                transcript.appendData(Direction::Received, QByteArray(QByteArray(int(random.bounded(1, 20)), 'd') + '\n'),
                                      sources.at((i / 50) % 2));
            } else {
                QByteArray bytes = QByteArray(int(random.bounded(0, 12)), char('a' + i % 26));
                if (random.bounded(2))
                    bytes += "\n\x01\xc3\xa9";
                if (bytes.isEmpty())
                    bytes = "x";
                transcript.appendData(kind % 2 ? Direction::Sent : Direction::Received, bytes);
            }
        }
        while (layout.indexMore(10 * TranscriptLayout::recordedEntryCost) > 0) {
        }
        reference.indexMore(1LL << 40);
        QVERIFY(layout.stride() > 8);
        QCOMPARE(layout.rowCount(Mode::Text), reference.rowCount(Mode::Text));
        QCOMPARE(layout.rowCount(Mode::Hex), reference.rowCount(Mode::Hex));
        for (int q = 0; q < 600; ++q) {
            const Mode mode = random.bounded(2) ? Mode::Text : Mode::Hex;
            const int m = mode == Mode::Text ? 0 : 1;
            const qint64 rowCount = layout.rowCount(mode);
            const bool withTimes = random.bounded(2);
            switch (random.bounded(6)) {
            case 0: { // a jump
                const qint64 first = random.bounded(rowCount);
                QVERIFY(sameRows(mode, layout.rows(mode, first, 40), reference.rows(mode, first, 40), withTimes));
                lastRow[m] = first;
                break;
            }
            case 1: { // scrolling by a few rows or a page, either way
                const qint64 first = std::clamp<qint64>(lastRow[m] + random.bounded(-3, 60), 0, rowCount - 1);
                QVERIFY(sameRows(mode, layout.rows(mode, first, 40), reference.rows(mode, first, 40), withTimes));
                lastRow[m] = first;
                break;
            }
            case 2: {
                const qint64 entry = random.bounded(2) ? random.bounded(transcript.entryCount())
                                                       : std::clamp<qint64>(lastEntry + random.bounded(-2, 30), 0,
                                                                            transcript.entryCount() - 1);
                QCOMPARE(layout.firstRowOfEntry(mode, entry), reference.firstRowOfEntry(mode, entry));
                lastEntry = entry;
                break;
            }
            case 3: {
                const Direction direction = random.bounded(2) ? Direction::Sent : Direction::Received;
                const qint64 offset = random.bounded(transcript.totalBytes(direction) + 1);
                qint64 row[2] = {-1, -1};
                qsizetype column[2] = {-1, -1};
                const bool found = layout.rowOfByte(mode, direction, offset, withTimes, &row[0], &column[0]);
                QCOMPARE(found, reference.rowOfByte(mode, direction, offset, withTimes, &row[1], &column[1]));
                QCOMPARE(row[0], row[1]);
                QCOMPARE(column[0], column[1]);
                break;
            }
            case 4: {
                const qint64 row = random.bounded(2) ? random.bounded(rowCount)
                                                     : std::clamp<qint64>(lastRow[m] + random.bounded(0, 40), 0,
                                                                          rowCount - 1);
                const qsizetype column = random.bounded(80);
                Direction direction[2] = {Direction::Sent, Direction::Sent};
                qint64 offset[2] = {-1, -1};
                const bool found = layout.byteAt(mode, row, column, withTimes, &direction[0], &offset[0]);
                QCOMPARE(found, reference.byteAt(mode, row, column, withTimes, &direction[1], &offset[1]));
                QCOMPARE(direction[0], direction[1]);
                QCOMPARE(offset[0], offset[1]);
                break;
            }
            default: {
                const qint64 entry = random.bounded(transcript.entryCount() + 1);
                QCOMPARE(layout.bytesBeforeEntry(entry), reference.bytesBeforeEntry(entry));
                break;
            }
            }
        }
    }
    QVERIFY(layout.checkpointCount() <= 9);
}

QTEST_GUILESS_MAIN(TranscriptLayoutTest)
#include "tst_transcriptlayout.moc"
