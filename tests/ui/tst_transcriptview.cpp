// TranscriptView: batching, markers and colours, timestamps, following the
// tail, and hostile bytes shown escaped.
#include <QAccessible>
#include <QAction>
#include <QBuffer>
#include <QLabel>
#include <QProgressBar>
#include <QRandomGenerator>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTimer>
#include <QToolButton>
#include <QClipboard>
#include <QGuiApplication>
#include <QApplication>
#include <QWheelEvent>
#include <QtTest>

#include "transcript.h"
#include "copystatus.h"
#include "fakedialogs.h"
#include "statusprogress.h"
#include "transcriptio.h"
#include "transcripttext.h"
#include "transcriptview.h"

using Direction = Transcript::Direction;

class TranscriptViewTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersNothingUntilTheTimerFires();
    void batchesManyAppendsIntoFewRenders();
    void rendersOncePerBurstNotPerChunk();
    void backlogDrainsDuringAFlood();
    void marksAndColoursEachDirection();
    void linesMatchTheTextExport();
    void timestampsToggleRerenders();
    void followsTheTailAtTheBottom();
    void staysStillWhenScrolledUp();
    void hostileBytesAppearEscaped();
    void hostileEventTextIsEscaped();
    void largeBacklogIsRenderedInSeveralPasses();
    void backlogIsShownWhileBehind();
    void newTranscriptReplacesTheOld();
    void wrapToggle();
    void actionsFollowTheSettings();
    void accessibleAsTranscript();
    void cueAppearsWhenScrolledUpAndJumpsToTheEnd();
    void tensOfMegabytesWithABoundedIndex();
    void longLineIsCutIntoRows();
    void hexAndTextShowTheSameData();
    void selectionAndCopyGiveTheExactText();
    void copyOfAnyRangeInSlices();
    void copyWithTimestampsAndHex();
    void cancelledCopyLeavesTheClipboard();
    void whatInvalidatesTheSelectionCancelsTheCopy();
    void appendsDuringACopyDoNotMatter();
    void bigCopyAsksFirst();
    void copyStatusShowsProgressAndCancels();
    void showMatchSelectsTheBytes();
    void showMatchWaitsForTheIndex();
    void hostileBytesArePaintedVisibly();
    void accessibleWindowMovesWithScrolling();
    void keyboardScrolls();
    void appendedTextIsAnnouncedAtTheRefreshRate();
    void paletteChangeRecolours();

private:
    // Chunks (of passChunkSize bytes, their row counts recorded) that take
    // two indexing passes.
    static constexpr qsizetype passChunkSize = 64;
    static constexpr int passChunks = int(2 * TranscriptView::maxIndexBytesPerPass / TranscriptLayout::recordedEntryCost);
    static std::shared_ptr<Transcript> started()
    {
        auto transcript = std::make_shared<Transcript>();
        transcript->setPeer(QStringLiteral("127.0.0.1"), 7);
        transcript->start();
        return transcript;
    }
    static void showView(TranscriptView &view, QSize size = QSize(500, 240))
    {
        view.resize(size);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
    }
    // About 12 MB: lines of many lengths (some cut into continuation rows),
    // escapes, events; its text is well over 4 Mi characters.
    static std::shared_ptr<Transcript> bigTranscript()
    {
        auto transcript = started();
        QRandomGenerator random(42);
        qint64 total = 0;
        for (int i = 0; total < 12 * 1024 * 1024; ++i) {
            if (i % 97 == 0) {
                transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("event %1").arg(i));
                continue;
            }
            QByteArray chunk;
            const int target = int(random.bounded(Transcript::maxChunkSize)) + 1;
            while (chunk.size() < target) {
                const int length = random.bounded(10) == 0 ? int(random.bounded(3000)) : int(random.bounded(80));
                QByteArray line(length, char('a' + random.bounded(26)));
                if (random.bounded(8) == 0)
                    line += QByteArray("\x00\x1b\xff\r", 4);
                chunk += line + '\n';
            }
            chunk.truncate(target);
            transcript->appendData(i % 3 ? Direction::Received : Direction::Sent, chunk);
            total += chunk.size();
        }
        return transcript;
    }
    // What Select All and Copy give: the text export's lines, joined with "\n".
    static QString exportText(const Transcript &transcript, bool withTimes)
    {
        QStringList lines;
        for (qint64 i = 0; i < transcript.entryCount(); ++i)
            lines += TranscriptText::entryLines(transcript.entry(i), transcript.data(i), withTimes);
        return lines.join(QLatin1Char('\n'));
    }
    static QStringList viewLines(const TranscriptView &view)
    {
        return view.allText().split(QLatin1Char('\n'));
    }
};

void TranscriptViewTest::rendersNothingUntilTheTimerFires()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "hello\n");
    // Appending only records the range: the widget is untouched until the
    // coalescing timer fires.
    QCOMPARE(view.renderCount(), 0);
    QVERIFY(view.allText().isEmpty());
    QTRY_COMPARE(view.renderCount(), 1);
    QCOMPARE(view.allText(), QStringLiteral("< hello\\n"));
}

void TranscriptViewTest::batchesManyAppendsIntoFewRenders()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    constexpr int chunks = 5000;
    for (int i = 0; i < chunks; ++i)
        transcript->appendData(i % 2 ? Direction::Sent : Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    QTRY_VERIFY(!view.hasPending());
    QVERIFY2(view.renderCount() <= 2, qPrintable(QString::number(view.renderCount())));
    QCOMPARE(view.rowCount(), chunks);
    QCOMPARE(view.rowTexts(chunks - 1, 1), QStringList{QStringLiteral("> 4999\\n")});
}

void TranscriptViewTest::rendersOncePerBurstNotPerChunk()
{
    // Bursts of chunks, each appended within one turn of the event loop:
    // one render each, whatever the machine's speed.
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    constexpr int bursts = 3;
    constexpr int chunksPerBurst = 500;
    for (int burst = 0; burst < bursts; ++burst) {
        const int before = view.renderCount();
        for (int i = 0; i < chunksPerBurst; ++i)
            transcript->appendData(Direction::Received, "x\n");
        QCOMPARE(view.renderCount(), before); // nothing drawn while appending
        QTRY_VERIFY(!view.hasPending());
        const int renders = view.renderCount() - before;
        QVERIFY2(renders >= 1 && renders <= 2, qPrintable(QString::number(renders)));
    }
    QCOMPARE(view.rowCount(), bursts * chunksPerBurst);
}

void TranscriptViewTest::backlogDrainsDuringAFlood()
{
    // A backlog too big for one pass continues on the next turn of the
    // event loop, even while new chunks keep arriving every turn (which
    // would keep restarting a coalescing timer), and never renders more
    // than once per turn. A zero-interval timer counts the turns.
    TranscriptView view;
    auto transcript = started();
    const QByteArray binary(passChunkSize, '\x01');
    constexpr int backlog = int(3 * TranscriptView::maxIndexBytesPerPass / TranscriptLayout::recordedEntryCost);
    for (int i = 0; i < backlog; ++i)
        transcript->appendData(Direction::Received, binary);
    view.setTranscript(transcript);

    int turns = 0;
    QTimer flood;
    flood.setInterval(0);
    connect(&flood, &QTimer::timeout, &view, [&] {
        ++turns;
        transcript->appendData(Direction::Received, "x");
    });
    // The first pass comes from the coalescing timers; the flood starts
    // right after it.
    qint64 afterFirstPass = -1;
    int rendersBefore = 0;
    int drainedTurns = -1;
    int passes = -1;
    connect(&view, &TranscriptView::rendered, &flood, [&] {
        if (afterFirstPass < 0) {
            afterFirstPass = view.renderedEntries();
            rendersBefore = view.renderCount();
            flood.start();
        } else if (drainedTurns < 0 && view.renderedEntries() >= backlog) {
            drainedTurns = turns;
            passes = view.renderCount() - rendersBefore;
        }
    });
    QTRY_VERIFY(drainedTurns >= 0);
    flood.stop();
    QVERIFY(afterFirstPass < backlog);
    QVERIFY(passes >= 1);
    // One pass per turn: as many turns as passes, give or take the timers'
    // order within a turn.
    QVERIFY2(drainedTurns <= passes + 2, qPrintable(QStringLiteral("%1 turns for %2 passes").arg(drainedTurns).arg(passes)));
    QVERIFY2(passes <= drainedTurns + 1, qPrintable(QStringLiteral("%1 passes in %2 turns").arg(passes).arg(drainedTurns)));
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderedEntries(), transcript->entryCount());
}

void TranscriptViewTest::marksAndColoursEachDirection()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:7"));
    transcript->appendData(Direction::Sent, "GET / HTTP/1.0\r\n\r\n");
    transcript->appendData(Direction::Received, "HTTP/1.0 200 OK\r\n");
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("Connection reset by peer 127.0.0.1:7"));
    view.flush();

    const QStringList expected = {
        QStringLiteral("* connected to 127.0.0.1:7"),
        QStringLiteral("> GET / HTTP/1.0\\r\\n"),
        QStringLiteral("> \\r\\n"),
        QStringLiteral("< HTTP/1.0 200 OK\\r\\n"),
        QStringLiteral("* error: Connection reset by peer 127.0.0.1:7"),
    };
    QCOMPARE(viewLines(view), expected);

    // Monochrome: the markers alone tell the directions apart (checked
    // above). Colour: each kind has its own foreground.
    auto colourOf = [&view](int row) { return view.rowColor(row); };
    const QColor event = colourOf(0), sent = colourOf(1), received = colourOf(3);
    QCOMPARE(colourOf(2), sent);
    QVERIFY(sent != received);
    QVERIFY(sent != event);
    QVERIFY(received != event);
    // Failures stand out from the other events.
    const QColor error = colourOf(4);
    QVERIFY(error != event && error != sent && error != received);
    QVERIFY(QFontInfo(view.font()).fixedPitch());
}

void TranscriptViewTest::linesMatchTheTextExport()
{
    auto transcript = started();
    transcript->appendEvent(TranscriptEvent::connecting(), QStringLiteral("127.0.0.1:7"));
    transcript->appendData(Direction::Sent, "ping\n");
    transcript->appendData(Direction::Received, QByteArray("caf\xc3\xa9 \x1b[0m\x00\xff\n", 13));
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("two\nlines"));
    transcript->appendEvent(TranscriptEvent::closedByPeer());

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(TranscriptIO::write(*transcript, TranscriptIO::Format::Text, &buffer, &error));
    QStringList exported = QString::fromUtf8(buffer.data()).split(QLatin1Char('\n'));
    QVERIFY(exported.first().startsWith(QLatin1Char('#'))); // the header line
    exported.removeFirst();
    QCOMPARE(exported.takeLast(), QString()); // after the final newline

    TranscriptView view;
    view.setShowTimestamps(true);
    view.setTranscript(transcript);
    view.flush();
    QCOMPARE(viewLines(view), exported);
}

void TranscriptViewTest::timestampsToggleRerenders()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "one\ntwo\n");
    view.flush();
    QCOMPARE(viewLines(view), QStringList({QStringLiteral("< one\\n"), QStringLiteral("< two\\n")}));

    view.setShowTimestamps(true);
    view.flush();
    const QRegularExpression stamped(QStringLiteral(
        R"(^\[\+\d+\.\d{3}s \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] < (one|two)\\n$)"));
    const QStringList lines = viewLines(view);
    QCOMPARE(lines.size(), 2);
    for (const QString &line : lines)
        QVERIFY2(stamped.match(line).hasMatch(), qPrintable(line));

    view.setShowTimestamps(false);
    view.flush();
    QCOMPARE(viewLines(view), QStringList({QStringLiteral("< one\\n"), QStringLiteral("< two\\n")}));
}

void TranscriptViewTest::followsTheTailAtTheBottom()
{
    TranscriptView view;
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto transcript = started();
    view.setTranscript(transcript);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 100; ++i)
            transcript->appendData(Direction::Received, "line\n");
        QTRY_VERIFY(!view.hasPending());
        QScrollBar *bar = view.verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
    }
}

void TranscriptViewTest::staysStillWhenScrolledUp()
{
    TranscriptView view;
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 200; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    view.flush();
    QScrollBar *bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 20);
    bar->setValue(10); // the reader scrolled up
    const qint64 firstVisible = view.firstVisibleRow();

    for (int i = 0; i < 200; ++i)
        transcript->appendData(Direction::Received, "more\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(bar->value(), 10);
    QCOMPARE(view.firstVisibleRow(), firstVisible);

    // Back at the bottom, it follows again.
    bar->setValue(bar->maximum());
    transcript->appendData(Direction::Received, "tail\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(view.allText().endsWith(QStringLiteral("< tail\\n")));
}

void TranscriptViewTest::hostileBytesAppearEscaped()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    const QByteArray hostile = QByteArrayLiteral("nul\x00" "esc\x1b[2J\x1b]0;title\x07"
                                                 "bidi\xe2\x80\xae" "gpj.exe "
                                                 "bad\xff\xfe\xc3 "
                                                 "c1\xc2\x9b" "end");
    transcript->appendData(Direction::Received, hostile);
    view.flush();
    const QString text = view.allText();

    // Nothing that could act on the reader reaches the widget...
    for (QChar c : text) {
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(QString::number(c.unicode(), 16)));
        QVERIFY(!(c.unicode() >= 0x80 && c.unicode() < 0xa0));
        QVERIFY(c.unicode() != 0x202e && c.unicode() != 0xfffd);
    }
    // ...and every byte is visible as an escape.
    const QString lower = text.toLower();
    QVERIFY2(lower.contains(QStringLiteral("nul\\0")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("esc\\x1b[2j\\x1b]0;title\\x07")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("bidi\\u{202e}gpj.exe")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("bad\\xff\\xfe\\xc3 ")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("c1\\u{009b}end")) || lower.contains(QStringLiteral("c1\\u{9b}end")),
             qPrintable(text));
    QVERIFY(text.startsWith(QStringLiteral("< ")));
}

void TranscriptViewTest::hostileEventTextIsEscaped()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("evil\n\x1b[31m\u202Eend"));
    view.flush();
    const QString text = view.allText();
    QCOMPARE(view.rowCount(), 1);
    QVERIFY(!text.contains(QChar(0x1b)));
    QVERIFY(!text.contains(QChar(0x202e)));
    QVERIFY2(text.startsWith(QStringLiteral("* error: evil\\n\\x1b[31m")), qPrintable(text));
}

void TranscriptViewTest::largeBacklogIsRenderedInSeveralPasses()
{
    // A huge backlog is split so that the event loop keeps running.
    TranscriptView view;
    auto transcript = started();
    const QByteArray binary(passChunkSize, '\x01');
    for (int i = 0; i < passChunks; ++i)
        transcript->appendData(Direction::Received, binary);
    view.setTranscript(transcript);
    QSignalSpy rendered(&view, &TranscriptView::rendered);
    QTRY_VERIFY(!view.hasPending());
    QVERIFY2(rendered.count() >= 2, qPrintable(QString::number(rendered.count())));
    QCOMPARE(view.renderedEntries(), transcript->entryCount());
}

void TranscriptViewTest::backlogIsShownWhileBehind()
{
    TranscriptView view;
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QLabel *indicator = view.backlogIndicator();
    QVERIFY(indicator);
    QVERIFY(!indicator->isVisible());

    // Ordinary batching is not "behind": no indicator.
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "hello\n");
    QTRY_VERIFY(!view.hasPending());
    QVERIFY(!indicator->isVisible());

    // A backlog larger than a pass: shown after each pass that leaves
    // entries behind, with the counts, and gone after the pass that draws
    // the last one. Checked in each pass (a fast machine may drain it
    // within one wait).
    const QByteArray binary(passChunkSize, '\x01');
    for (int i = 0; i < passChunks; ++i)
        transcript->appendData(Direction::Received, binary);
    const qint64 total = transcript->entryCount();
    int behindPasses = 0;
    int wrongPasses = 0;
    bool replaceWhenBehind = false;
    connect(&view, &TranscriptView::rendered, this, [&] {
        if (!view.hasPending()) {
            wrongPasses += indicator->isVisible() ? 1 : 0;
            return;
        }
        ++behindPasses;
        const QString expected = QStringLiteral("Catching up: showing %1 of %2 entries\u2026")
                                     .arg(QLocale().toString(view.renderedEntries()),
                                          QLocale().toString(view.transcript()->entryCount()));
        if (!indicator->isVisible() || indicator->text() != expected || indicator->accessibleName() != expected
            || !view.viewport()->rect().contains(indicator->geometry())) {
            qWarning() << "behind, but the indicator says" << indicator->isVisible() << indicator->text();
            ++wrongPasses;
        }
        if (replaceWhenBehind) {
            // Replacing the transcript while behind hides it too.
            view.setTranscript(nullptr);
            wrongPasses += indicator->isVisible() ? 1 : 0;
        }
    });
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderedEntries(), total);
    QVERIFY(behindPasses >= 1);
    QCOMPARE(wrongPasses, 0);
    QVERIFY(!indicator->isVisible());

    replaceWhenBehind = true;
    for (int i = 0; i < passChunks; ++i)
        transcript->appendData(Direction::Received, binary);
    QTRY_VERIFY(!view.transcript());
    QCOMPARE(wrongPasses, 0);
    QVERIFY(!indicator->isVisible());
}

void TranscriptViewTest::newTranscriptReplacesTheOld()
{
    TranscriptView view;
    auto first = started();
    view.setTranscript(first);
    first->appendData(Direction::Received, "old\n");
    view.flush();
    QCOMPARE(view.allText(), QStringLiteral("< old\\n"));
    const int rendersBefore = view.renderCount();

    // Switched while entries of the old one are waiting to be drawn.
    first->appendData(Direction::Received, "pending\n");
    QVERIFY(view.hasPending());
    auto second = started();
    second->appendData(Direction::Sent, "new\n");
    view.setTranscript(second);
    QVERIFY(view.allText().isEmpty());
    QCOMPARE(view.renderedEntries(), 0);
    QCOMPARE(first.use_count(), 1); // let go of: no longer watched

    first->appendData(Direction::Received, "ignored\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderCount(), rendersBefore + 1); // the new one's entry, in one pass
    QCOMPARE(view.renderedEntries(), 1);
    QCOMPARE(view.allText(), QStringLiteral("> new\\n"));

    view.setTranscript(nullptr);
    QVERIFY(view.allText().isEmpty());
    QVERIFY(!view.hasPending());
    QCOMPARE(second.use_count(), 1);
}

void TranscriptViewTest::wrapToggle()
{
    TranscriptView view;
    // Off by default: wrapping makes a flood many times slower to show.
    QVERIFY(!view.wrapLines());
    QCOMPARE(view.horizontalScrollBarPolicy(), Qt::ScrollBarAsNeeded);
    view.setWrapLines(true);
    QVERIFY(view.wrapLines());
    QCOMPARE(view.horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOff);
    view.setWrapLines(false);
    QCOMPARE(view.horizontalScrollBarPolicy(), Qt::ScrollBarAsNeeded);
}

void TranscriptViewTest::actionsFollowTheSettings()
{
    TranscriptView view;
    QVERIFY(view.timestampsAction()->isCheckable());
    QVERIFY(view.wrapAction()->isCheckable());
    QVERIFY(!view.timestampsAction()->isChecked());
    QVERIFY(!view.wrapAction()->isChecked());

    view.setShowTimestamps(true);
    view.setWrapLines(true);
    QVERIFY(view.timestampsAction()->isChecked());
    QVERIFY(view.wrapAction()->isChecked());

    view.timestampsAction()->setChecked(false);
    view.wrapAction()->setChecked(false);
    QVERIFY(!view.showTimestamps());
    QVERIFY(!view.wrapLines());
}

void TranscriptViewTest::accessibleAsTranscript()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "answer\n");
    view.flush();
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(&view);
    QVERIFY(iface);
    QCOMPARE(iface->text(QAccessible::Name), QStringLiteral("Transcript"));
    QAccessibleTextInterface *text = iface->textInterface();
    QVERIFY(text);
    QCOMPARE(text->text(0, text->characterCount()), QStringLiteral("< answer\\n"));
    QVERIFY(iface->state().readOnly);
}

void TranscriptViewTest::cueAppearsWhenScrolledUpAndJumpsToTheEnd()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 200; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    view.flush();
    QToolButton *cue = view.newDataIndicator();
    QVERIFY(cue);
    QCOMPARE(cue->accessibleName(), QStringLiteral("New data below"));
    QVERIFY(!cue->toolTip().isEmpty());
    QVERIFY(view.isFollowingTail());
    QVERIFY(!cue->isVisible());

    view.verticalScrollBar()->setValue(5); // the reader scrolled up
    QVERIFY(!view.isFollowingTail());
    QVERIFY(!cue->isVisible()); // nothing new yet
    transcript->appendData(Direction::Received, "more\n");
    QTRY_VERIFY(cue->isVisible());
    QCOMPARE(view.firstVisibleRow(), 5);
    QVERIFY(view.viewport()->rect().contains(cue->geometry()));

    QTest::mouseClick(cue, Qt::LeftButton);
    QVERIFY(view.isFollowingTail());
    QVERIFY(!cue->isVisible());
    QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
    QTRY_VERIFY(!view.paintedRows().isEmpty() && view.paintedRows().last() == QStringLiteral("< more\\n"));
    transcript->appendData(Direction::Received, "after\n");
    QTRY_VERIFY(!view.paintedRows().isEmpty() && view.paintedRows().last() == QStringLiteral("< after\\n"));
    QVERIFY(!cue->isVisible());
}

void TranscriptViewTest::tensOfMegabytesWithABoundedIndex()
{
    // 24 MB of 80-byte lines in chunks of 8 KiB: 314,573 rows.
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    QByteArray chunk;
    for (int i = 0; i < 8192 / 80 + 1; ++i)
        chunk += QByteArray(79, char('a' + i % 26)) + '\n';
    chunk.truncate(8192);
    qsizetype largestIndex = 0;
    constexpr int chunks = 3 * 1024;
    for (int i = 0; i < chunks; ++i) {
        transcript->appendData(i % 2 ? Direction::Received : Direction::Sent, chunk);
        if (i % 512 == 511) {
            view.flush();
            largestIndex = std::max(largestIndex, view.layout().checkpointCount());
        }
    }
    view.flush();
    const qint64 bytes = qint64(chunks) * chunk.size();
    QVERIFY(bytes >= 24 * 1000 * 1000);
    QCOMPARE(view.rowCount(), qint64(chunks) * (8192 / 80 + 1));
    // The index: checkpoints, never more than its cap, a few hundred KB at most.
    QVERIFY(largestIndex <= view.layout().maxCheckpoints() + 1);
    QVERIFY(view.layout().indexBytes() < 512 * 1024);
    QVERIFY(view.layout().stride() >= 1);
    // Rows painted at the end and in the middle, straight from the index.
    QTRY_VERIFY(!view.paintedRows().isEmpty());
    QVERIFY(view.paintedRows().size() <= view.viewport()->height() / view.fontMetrics().lineSpacing() + 1);
    QCOMPARE(view.paintedRows().last(), QStringLiteral("< ") + QString(32, QLatin1Char('a' + (8192 / 80) % 26)));
    const qint64 middle = view.rowCount() / 2;
    view.scrollToRow(middle);
    QCOMPARE(view.firstVisibleRow(), middle);
    QVERIFY(!view.isFollowingTail());
    QTRY_VERIFY(!view.paintedRows().isEmpty() && view.paintedRows().first() == view.rowTexts(middle, 1).first());
    // The row's content, computed independently: row r of a chunk is line r % 103.
    const qint64 lineInChunk = middle % (8192 / 80 + 1);
    const QString expected = (((middle / (8192 / 80 + 1)) % 2) ? QStringLiteral("< ") : QStringLiteral("> "))
        + (lineInChunk < 8192 / 80 ? QString(79, QLatin1Char(char('a' + int(lineInChunk % 26)))) + QStringLiteral("\\n")
                                    : QString(32, QLatin1Char(char('a' + int(lineInChunk % 26)))));
    QCOMPARE(view.paintedRows().first(), expected);
}

void TranscriptViewTest::longLineIsCutIntoRows()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    // 5 MB without a newline: 80 chunks of 64 KiB, 64 rows each.
    const QByteArray line(Transcript::maxChunkSize, 'x');
    for (int i = 0; i < 80; ++i)
        transcript->appendData(Direction::Received, line);
    view.flush();
    QCOMPARE(view.rowCount(), 80 * Transcript::maxChunkSize / TranscriptLayout::maxRowBytes);
    QTRY_VERIFY(!view.paintedRows().isEmpty());
    for (const QString &row : view.paintedRows())
        QVERIFY(row.size() <= 3 + TranscriptLayout::maxRowBytes);
    QCOMPARE(view.paintedRows().last(), QStringLiteral("<\u2026 ") + QString(TranscriptLayout::maxRowBytes, QLatin1Char('x')));
    // Wrapped, rows take several lines of the viewport and nothing breaks.
    view.setWrapLines(true);
    QTRY_VERIFY(!view.paintedRows().isEmpty() && view.paintedRows().size() <= 2);
    QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
}

void TranscriptViewTest::hexAndTextShowTheSameData()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 300; ++i)
        transcript->appendData(i % 3 ? Direction::Received : Direction::Sent, QByteArray(QByteArray("line ") + QByteArray::number(i) + '\n'));
    view.flush();
    QVERIFY(!view.showHex());
    QCOMPARE(view.hexAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_H));
    QVERIFY(!view.hexAction()->toolTip().isEmpty());
    view.scrollToRow(150);
    const QString textTop = view.rowTexts(view.firstVisibleRow(), 1).first();
    QCOMPARE(textTop, QStringLiteral("> line 150\\n"));

    view.hexAction()->trigger();
    QVERIFY(view.showHex());
    const QString hexTop = view.rowTexts(view.firstVisibleRow(), 1).first();
    // The row at the top holds the first byte of "line 150\n" in the sent stream.
    QVERIFY2(hexTop.startsWith(QStringLiteral("> ")), qPrintable(hexTop));
    const TranscriptLayout::Row hexRow = view.layout().rows(TranscriptLayout::Mode::Hex, view.firstVisibleRow(), 1).first();
    const qint64 lineOffset = transcript->entry(150).offset;
    QVERIFY(hexRow.begin <= lineOffset && lineOffset < hexRow.end);
    const QStringList all = view.allText().split(QLatin1Char('\n'));
    QCOMPARE(all.size(), view.rowCount());
    // The first row: "> " then offset, bytes of "line 0\n" (a run of its own: the next chunk is received), ascii.
    QCOMPARE(all.first(), QStringLiteral("> 00000000  6c 69 6e 65 20 30 0a                              |line 0.|"));

    view.hexAction()->trigger();
    QVERIFY(!view.showHex());
    QCOMPARE(view.rowTexts(view.firstVisibleRow(), 1).first(), textTop);
    // Following the tail stays so through a switch.
    view.scrollToEnd();
    view.setShowHex(true);
    QVERIFY(view.isFollowingTail());
    QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
}

void TranscriptViewTest::selectionAndCopyGiveTheExactText()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Sent, "GET / HTTP/1.0\r\n\r\n");
    transcript->appendData(Direction::Received, "HTTP/1.0 200 OK\r\nServer: x\r\n");
    view.flush();
    QTRY_COMPARE(view.paintedRows().size(), 4);
    QVERIFY(!view.copyAction()->isEnabled());

    // Click in row 0 at column 2, Shift+click in row 2 at column 10.
    const QRect start = view.cellRect({0, 2});
    const QRect end = view.cellRect({2, 10});
    QVERIFY(!start.isEmpty() && !end.isEmpty());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, start.topLeft() + QPoint(1, start.height() / 2));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::ShiftModifier, end.topLeft() + QPoint(1, end.height() / 2));
    QVERIFY(view.copyAction()->isEnabled());
    QCOMPARE(view.selectedText(), QStringLiteral("GET / HTTP/1.0\\r\\n\n> \\r\\n\n< HTTP/1.0"));
    QGuiApplication::clipboard()->clear();
    view.copyAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), view.selectedText());

    // Shift+Down extends it by a row.
    view.setFocus();
    QTest::keyClick(&view, Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(view.selectionEnd().row, 3);
    QVERIFY2(view.selectedText().endsWith(QStringLiteral("\n< Server: ")), qPrintable(view.selectedText()));

    // Select All and Copy: everything, as the rows read.
    view.selectAllAction()->trigger();
    view.copyAction()->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), view.allText());

    // A cut long line is copied whole again.
    auto longOne = started();
    QByteArray line;
    for (int i = 0; line.size() < 5000; ++i)
        line += QByteArray::number(i) + ' ';
    longOne->appendData(Direction::Received, QByteArray(line + '\n'));
    view.setTranscript(longOne);
    view.flush();
    QVERIFY(view.rowCount() > 1);
    view.selectAll();
    QCOMPARE(view.selectedText(), QStringLiteral("< ") + QString::fromLatin1(line) + QStringLiteral("\\n"));
}

void TranscriptViewTest::copyOfAnyRangeInSlices()
{
    TranscriptView view;
    auto transcript = bigTranscript();
    view.setTranscript(transcript);
    view.flush();
    const QString expected = exportText(*transcript, false);
    QVERIFY(expected.size() > 3 * 4 * 1024 * 1024);

    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    QSignalSpy started(&view, &TranscriptView::copyStarted);
    QSignalSpy progress(&view, &TranscriptView::copyProgress);
    QSignalSpy finished(&view, &TranscriptView::copyFinished);
    QSignalSpy messages(&view, &TranscriptView::message);
    view.selectAll();
    QVERIFY(view.estimatedSelectionChars() > TranscriptView::syncCopyChars);
    view.copy();
    // Not done in the call: slices run from the event loop.
    QVERIFY(view.isCopying());
    QCOMPARE(started.size(), 1);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
    view.copy(); // again while it runs: nothing new
    QCOMPARE(started.size(), 1);

    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(progress.last().at(1).toLongLong(), view.rowCount());
    const QString copied = QGuiApplication::clipboard()->text();
    QCOMPARE(copied.size(), expected.size());
    QVERIFY(copied == expected);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().first().toString(),
             QStringLiteral("Copied %1 characters").arg(QLocale().toString(expected.size())));
    // The selection and what selectedText() builds at once agree.
    QVERIFY(view.selectedText() == expected);
}

void TranscriptViewTest::copyWithTimestampsAndHex()
{
    // Part of a transcript, as shown: time prefixes; hex rows.
    TranscriptView view;
    auto transcript = started();
    for (int i = 0; i < 4000; ++i)
        transcript->appendData(i % 2 ? Direction::Sent : Direction::Received,
                               QByteArray(QByteArray::number(i) + QByteArray(600, 'x') + "\r\n"));
    view.setTranscript(transcript);
    view.flush();
    view.setShowTimestamps(true);
    view.setSelection({3, 5}, {3990, 7});
    const QString timed = view.selectedText();
    QVERIFY(timed.startsWith(TranscriptText::timePrefix(transcript->entry(3)).mid(5)));
    QVERIFY(view.estimatedSelectionChars() > TranscriptView::syncCopyChars);
    view.copy();
    QVERIFY(view.isCopying());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    QVERIFY(QGuiApplication::clipboard()->text() == timed);

    view.setShowTimestamps(false);
    view.setShowHex(true);
    view.selectAll();
    const QString hex = view.allText();
    view.copy();
    QVERIFY(view.isCopying());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    QVERIFY(QGuiApplication::clipboard()->text() == hex);
}

void TranscriptViewTest::cancelledCopyLeavesTheClipboard()
{
    TranscriptView view;
    showView(view);
    auto transcript = bigTranscript();
    view.setTranscript(transcript);
    view.flush();
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    QSignalSpy finished(&view, &TranscriptView::copyFinished);
    QSignalSpy messages(&view, &TranscriptView::message);

    // Esc in the view, mid-way: after a slice has run.
    view.selectAll();
    bool midway = false;
    auto connection = connect(&view, &TranscriptView::copyProgress, &view, [&](qint64 done, qint64 total) {
        if (done > 0 && done < total && !midway) {
            midway = true;
            QTest::keyClick(&view, Qt::Key_Escape);
        }
    });
    view.setFocus();
    view.copy();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    disconnect(connection);
    QVERIFY(midway);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(messages.last().first().toString(), QStringLiteral("Copy cancelled"));
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
    QVERIFY(view.hasSelection()); // only the copy stopped

    // cancelCopy() before the first slice; then a full copy still works.
    view.copy();
    QVERIFY(view.isCopying());
    view.cancelCopy();
    QVERIFY(!view.isCopying());
    QCOMPARE(finished.size(), 2);
    QCoreApplication::processEvents();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));

    // A view destroyed mid-copy: nothing copied, nothing left running.
    auto *doomed = new TranscriptView;
    doomed->setTranscript(transcript);
    doomed->flush();
    doomed->selectAll();
    doomed->copy();
    QVERIFY(doomed->isCopying());
    delete doomed;
    QCoreApplication::processEvents();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
}

void TranscriptViewTest::whatInvalidatesTheSelectionCancelsTheCopy()
{
    TranscriptView view;
    showView(view);
    auto transcript = bigTranscript();
    view.setTranscript(transcript);
    view.flush();
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    QSignalSpy finished(&view, &TranscriptView::copyFinished);

    const auto startCopy = [&] {
        view.selectAll();
        view.copy();
        return view.isCopying();
    };
    // Ctrl+H (Show as Hex), after a slice.
    QVERIFY(startCopy());
    QSignalSpy progress(&view, &TranscriptView::copyProgress);
    QVERIFY(progress.wait(100000));
    view.hexAction()->trigger(); // Ctrl+H
    QVERIFY(view.showHex());
    QVERIFY(!view.isCopying());
    QCOMPARE(finished.size(), 1);
    // Timestamps.
    QVERIFY(startCopy());
    view.timestampsAction()->trigger();
    QVERIFY(!view.isCopying());
    QCOMPARE(finished.size(), 2);
    // Another selection: a click.
    QVERIFY(startCopy());
    const QRect cell = view.cellRect({view.firstVisibleRow(), 3});
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, cell.center());
    QVERIFY(!view.isCopying());
    QCOMPARE(finished.size(), 3);
    // Another transcript.
    QVERIFY(startCopy());
    view.setTranscript(started());
    QVERIFY(!view.isCopying());
    QCOMPARE(finished.size(), 4);
    for (const QList<QVariant> &args : finished)
        QCOMPARE(args.first().toBool(), false);
    QCoreApplication::processEvents();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
}

void TranscriptViewTest::appendsDuringACopyDoNotMatter()
{
    TranscriptView view;
    auto transcript = bigTranscript();
    view.setTranscript(transcript);
    view.flush();
    view.selectAll();
    const QString expected = exportText(*transcript, false);
    bool appended = false;
    connect(&view, &TranscriptView::copyProgress, &view, [&](qint64 done, qint64) {
        if (done > 0 && !appended) {
            appended = true;
            for (int i = 0; i < 2000; ++i)
                transcript->appendData(Direction::Received, QByteArray("more\n"));
            view.flush(); // indexed mid-copy: rows grow at the end
        }
    });
    view.copy();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    QVERIFY(appended);
    QVERIFY(QGuiApplication::clipboard()->text() == expected);
}

void TranscriptViewTest::bigCopyAsksFirst()
{
    TranscriptView view;
    FakeDialogs dialogs;
    view.setDialogs(&dialogs);
    auto transcript = started();
    const QByteArray chunk(Transcript::maxChunkSize, 'y');
    for (int i = 0; i < 64; ++i) // 4 MiB
        transcript->appendData(Direction::Received, chunk);
    view.setTranscript(transcript);
    view.flush();
    view.selectAll();
    QCOMPARE(view.copyConfirmChars(), TranscriptView::defaultCopyConfirmChars);
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));

    // Below the threshold: no question.
    view.copy();
    QVERIFY(view.isCopying());
    view.cancelCopy();
    QVERIFY(dialogs.confirmQuestions.isEmpty());

    // Above it: asked, saying how much memory; No leaves everything as it was.
    view.setCopyConfirmChars(2 * 1024 * 1024);
    dialogs.confirmAnswers.enqueue(false);
    view.copy();
    QCOMPARE(dialogs.confirmQuestions.size(), 1);
    QVERIFY2(dialogs.confirmQuestions.first().contains(QLocale().formattedDataSize(view.estimatedSelectionChars() * 2)),
             qPrintable(dialogs.confirmQuestions.first()));
    QVERIFY(!view.isCopying());
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
    // Yes copies.
    dialogs.confirmAnswers.enqueue(true);
    view.copy();
    QCOMPARE(dialogs.confirmQuestions.size(), 2);
    QVERIFY(view.isCopying());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isCopying(), 100000);
    QCOMPARE(QGuiApplication::clipboard()->text().size(), 64 * (Transcript::maxChunkSize + 2) + 63);
    QCOMPARE(dialogs.unexpected, 0);
}

void TranscriptViewTest::copyStatusShowsProgressAndCancels()
{
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *view = new TranscriptView(&window);
    auto *statusBar = new QStatusBar(&window);
    layout->addWidget(view);
    layout->addWidget(statusBar);
    auto *status = new CopyStatus(view, statusBar, &window);
    window.resize(600, 400);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QProgressBar *bar = window.findChild<QProgressBar *>(QStringLiteral("copyProgress"));
    QToolButton *cancel = window.findChild<QToolButton *>(QStringLiteral("cancelCopy"));
    QVERIFY(bar && cancel);
    QCOMPARE(bar, status->progress()->progressBar());
    QCOMPARE(bar->accessibleName(), QStringLiteral("Copy progress"));
    QCOMPARE(cancel->accessibleName(), QStringLiteral("Cancel Copy"));
    QVERIFY(!bar->toolTip().isEmpty() && !cancel->toolTip().isEmpty());
    QVERIFY(!bar->isVisible() && !cancel->isVisible());

    auto transcript = bigTranscript();
    view->setTranscript(transcript);
    view->flush();
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    // A small copy: at once, no progress shown.
    view->setSelection({0, 0}, {3, 4});
    view->copy();
    QVERIFY(!view->isCopying());
    QCOMPARE(QGuiApplication::clipboard()->text(), view->selectedText());
    QVERIFY(!bar->isVisible());

    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    view->selectAll();
    view->copy();
    QVERIFY(bar->isVisible() && cancel->isVisible());
    QSignalSpy progress(view, &TranscriptView::copyProgress);
    QVERIFY(progress.wait(100000));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!view->isCopying());
    QVERIFY(!bar->isVisible() && !cancel->isVisible());
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before"));
}

void TranscriptViewTest::showMatchSelectsTheBytes()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 500; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray("filler ") + QByteArray::number(i) + '\n'));
    const qint64 offset = transcript->totalBytes(Direction::Received) + 4;
    transcript->appendData(Direction::Sent, "abc");
    transcript->appendData(Direction::Received, "xyz nee");
    transcript->appendData(Direction::Received, "dle\x01 and more\n"); // the match spans two chunks
    for (int i = 0; i < 500; ++i)
        transcript->appendData(Direction::Received, "after\n");
    view.flush();
    QVERIFY(view.isFollowingTail());

    QVERIFY(view.showMatch(Direction::Received, offset, 6));
    QVERIFY(!view.isFollowingTail());
    QCOMPARE(view.selectedText(), QStringLiteral("nee\n< dle")); // one chunk ends, the next begins
    const qint64 row = view.selectionStart().row;
    QVERIFY(row >= view.firstVisibleRow() && row < view.firstVisibleRow() + 10);
    QVERIFY(view.copyAction()->isEnabled());

    // In one chunk, with an escape after it.
    QVERIFY(view.showMatch(Direction::Received, offset + 4, 3));
    QCOMPARE(view.selectedText(), QStringLiteral("le\\x01"));
    // In hex: the bytes' digits.
    view.setShowHex(true);
    QVERIFY(view.showMatch(Direction::Received, offset + 4, 3));
    QCOMPARE(view.selectedText().simplified(), QStringLiteral("6c 65 01")); // a wider gap after the 8th byte
    QVERIFY(view.showMatch(Direction::Sent, 1, 1));
    QCOMPARE(view.selectedText(), QStringLiteral("62"));
    // Not there.
    QVERIFY(!view.showMatch(Direction::Sent, 3, 1));
}

void TranscriptViewTest::showMatchWaitsForTheIndex()
{
    // A match in data the view has not indexed yet: shown once it is.
    TranscriptView view;
    showView(view);
    auto transcript = started();
    const QByteArray filler(passChunkSize, 'f');
    for (int i = 0; i < passChunks; ++i)
        transcript->appendData(Direction::Received, filler);
    const qint64 offset = transcript->totalBytes(Direction::Received) + 2;
    transcript->appendData(Direction::Received, "..needle..\n");
    view.setTranscript(transcript);
    QVERIFY(view.hasPending());
    QVERIFY(view.showMatch(Direction::Received, offset, 6));
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.selectedText(), QStringLiteral("needle"));
    QVERIFY(!view.isFollowingTail() || view.firstVisibleRow() <= view.selectionStart().row);
    QVERIFY(view.selectionStart().row >= view.firstVisibleRow());
}

void TranscriptViewTest::hostileBytesArePaintedVisibly()
{
    TranscriptView view;
    showView(view, QSize(900, 200));
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, QByteArrayLiteral("nul\x00" "esc\x1b[2J bidi\xe2\x80\xae" "gpj.exe bad\xff\n"));
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("evil\n\x1b[31m"));
    view.flush();
    QTRY_COMPARE(view.paintedRows().size(), 2);
    const QStringList painted = view.paintedRows();
    QCOMPARE(painted.at(0), QStringLiteral("< nul\\0esc\\x1b[2J bidi\\u{202e}gpj.exe bad\\xff\\n"));
    QCOMPARE(painted.at(1), QStringLiteral("* error: evil\\n\\x1b[31m"));
    for (const QString &row : painted) {
        for (QChar c : row)
            QVERIFY(c.unicode() >= 0x20 && c.unicode() != 0x7f && c.unicode() != 0x202e);
    }
    QVERIFY(view.isRightToLeft() == false);
    const QString shot = qEnvironmentVariable("TRANSCRIPTVIEW_SCREENSHOT");
    if (!shot.isEmpty()) {
        for (int i = 0; i < 30; ++i)
            transcript->appendData(i % 2 ? Direction::Sent : Direction::Received, QByteArray("hello " + QByteArray::number(i) + "\r\n"));
        view.flush();
        view.verticalScrollBar()->setValue(3);
        transcript->appendData(Direction::Received, "new\n");
        view.flush();
        view.setSelection({4, 2}, {5, 8});
        view.grab().save(shot);
        view.setShowHex(true);
        view.setShowTimestamps(true);
        view.scrollToEnd();
        QTest::qWait(50);
        view.grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("-hex.png")));
        view.setShowHex(false);
        view.setWrapLines(true);
        transcript->appendData(Direction::Received, QByteArray(QByteArray(300, 'w') + "\xe2\x80\xae\x1b[1m" + QByteArray(20, 'z') + '\n'));
        view.flush();
        view.scrollToEnd();
        view.setSelection({view.rowCount() - 1, 90}, {view.rowCount() - 1, 200});
        QTest::qWait(50);
        view.grab().save(QString(shot).replace(QStringLiteral(".png"), QStringLiteral("-wrap.png")));
    }
}

void TranscriptViewTest::accessibleWindowMovesWithScrolling()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 1000; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray("row ") + QByteArray::number(i) + '\n'));
    view.flush();
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(&view);
    QVERIFY(iface);
    QAccessibleTextInterface *text = iface->textInterface();
    QVERIFY(text);
    // At the end: the window holds the visible rows and those above them.
    QString window = text->text(0, text->characterCount());
    QVERIFY(window.endsWith(QStringLiteral("< row 999\\n")));
    QVERIFY(!window.contains(QStringLiteral("< row 0\\n")));
    QCOMPARE(window.count(QLatin1Char('\n')) + 1, 1000 - view.accessibleWindowFirstRow());

    view.scrollToRow(500);
    window = text->text(0, text->characterCount());
    const qint64 first = view.accessibleWindowFirstRow();
    QCOMPARE(first, 500 - TranscriptView::accessibleWindowRows);
    QVERIFY(window.startsWith(QStringLiteral("< row %1\\n\n").arg(first)));
    QVERIFY(window.contains(QStringLiteral("< row 500\\n")));
    QVERIFY(!window.contains(QStringLiteral("< row 999\\n")));
    int lineStart = -1;
    int lineEnd = -1;
    QCOMPARE(text->textAtOffset(0, QAccessible::LineBoundary, &lineStart, &lineEnd).trimmed(),
             QStringLiteral("< row %1\\n").arg(first));

    // Selection through the interface is the view's.
    text->setSelection(0, 2, 5);
    QCOMPARE(view.selectedText(), QStringLiteral("row"));
    int start = 0;
    int end = 0;
    text->selection(0, &start, &end);
    QCOMPARE(start, 2);
    QCOMPARE(end, 5);
    // A character's place on screen, and back.
    const int visibleOffset = int(window.indexOf(QStringLiteral("< row 500\\n")));
    const QRect rect = text->characterRect(visibleOffset + 2);
    QVERIFY(rect.isValid());
    QCOMPARE(text->offsetAtPoint(rect.center() - QPoint(rect.width() / 4, 0)), visibleOffset + 2);
}

void TranscriptViewTest::keyboardScrolls()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 300; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    view.flush();
    view.setFocus();
    QTest::keyClick(&view, Qt::Key_Home, Qt::ControlModifier);
    QCOMPARE(view.firstVisibleRow(), 0);
    QTest::keyClick(&view, Qt::Key_PageDown);
    const qint64 page = view.firstVisibleRow();
    QVERIFY(page > 3);
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.firstVisibleRow(), page + 1);
    QTest::keyClick(&view, Qt::Key_PageUp);
    QCOMPARE(view.firstVisibleRow(), 1);
    QTest::keyClick(&view, Qt::Key_End, Qt::ControlModifier);
    QVERIFY(view.isFollowingTail());
    // The wheel scrolls too.
    QWheelEvent wheel(QPointF(10, 10), view.viewport()->mapToGlobal(QPointF(10, 10)), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view.viewport(), &wheel);
    QVERIFY(!view.isFollowingTail());
    QVERIFY(view.firstVisibleRow() < 300);
}

void TranscriptViewTest::appendedTextIsAnnouncedAtTheRefreshRate()
{
    TranscriptView view;
    showView(view);
    auto transcript = started();
    view.setTranscript(transcript);
    constexpr int bursts = 5;
    for (int burst = 0; burst < bursts; ++burst) {
        for (int i = 0; i < 200; ++i)
            transcript->appendData(Direction::Received, "chunk\n");
        QTRY_VERIFY(!view.hasPending());
    }
    // One announcement per refresh that added rows, not one per chunk.
    QVERIFY2(view.announcementCount() >= 1 && view.announcementCount() <= view.renderCount(),
             qPrintable(QStringLiteral("%1 announcements, %2 passes").arg(view.announcementCount()).arg(view.renderCount())));
    QVERIFY(view.renderCount() <= 2 * bursts);
    // Scrolled up, nothing is announced: the reader is elsewhere.
    view.scrollToRow(0);
    const int before = view.announcementCount();
    transcript->appendData(Direction::Received, "more\n");
    QTRY_VERIFY(!view.hasPending());
    view.flush();
    QCOMPARE(view.announcementCount(), before);
}

void TranscriptViewTest::paletteChangeRecolours()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Sent, "x\n");
    view.flush();
    const QColor light = view.rowColor(0);
    QPalette dark = view.palette();
    dark.setColor(QPalette::Base, Qt::black);
    dark.setColor(QPalette::Text, Qt::white);
    view.setPalette(dark);
    QVERIFY(view.rowColor(0) != light);
    QVERIFY(view.rowColor(0).lightnessF() > 0.5f);
}

QTEST_MAIN(TranscriptViewTest)
#include "tst_transcriptview.moc"
