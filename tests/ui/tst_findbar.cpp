// FindBar: Ctrl+F opens it with the focus in the field; Enter, Shift+Enter,
// F3 search through the transcript and show each match through the view;
// a bad hex pattern is reported before searching; a long search shows
// progress and can be cancelled; Escape hides the bar.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProgressBar>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "findbar.h"
#include "mainwindow.h"
#include "searchpattern.h"
#include "transcript.h"
#include "transcriptview.h"
#include "transcriptwindow.h"

using Direction = Transcript::Direction;

class FindBarTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void ctrlFInTheMainWindow();
    void enterFindsAndShowsTheMatch();
    void previousNextAndWrap();
    void directionChoice();
    void badHexIsReportedBeforeSearching();
    void escapeHidesAndFocusesTheView();
    void longSearchShowsProgressAndCancels();
    void newTranscriptStartsFromTheTop();
    void resultForAnotherTranscriptIsDropped();
    void buttonsSearchToo();
    void findStartsFromTheViewsSelection();
    void findStartsFromAHexSelection();
    void everyControlIsNamed();

private:
    // A transcript window over `transcript`, shown and active.
    TranscriptWindow *showWindow(std::shared_ptr<Transcript> transcript)
    {
        auto *window = new TranscriptWindow(std::move(transcript), QStringLiteral("test.jsonl"), &m_dialogs, nullptr);
        window->show();
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window))
            qWarning("window not active");
        return window;
    }
    static std::shared_ptr<Transcript> sample()
    {
        auto t = std::make_shared<Transcript>();
        t->appendData(Direction::Sent, "GET /hello HTTP/1.0\r\n\r\n");            // sent 0..22
        t->appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:80"));
        t->appendData(Direction::Received, "HTTP/1.0 200 OK\r\n\r\nhel");           // received 0..21
        t->appendData(Direction::Received, "lo world, Hello again");                // received 22..
        return t;
    }
    static QString matchText(const QList<QVariant> &args)
    {
        return QStringLiteral("%1@%2+%3")
            .arg(args.at(0).value<Direction>() == Direction::Sent ? QStringLiteral("sent") : QStringLiteral("received"))
            .arg(args.at(1).toLongLong())
            .arg(args.at(2).toLongLong());
    }

    QTemporaryDir m_dir;
    FakeDialogs m_dialogs;
};

void FindBarTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    qRegisterMetaType<Transcript::Direction>();
    qRegisterMetaType<TranscriptSearch::Result>();
}

void FindBarTest::ctrlFInTheMainWindow()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")));
    FakeDialogs dialogs;
    MainWindow window(&settings, &dialogs);
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    FindBar *bar = window.findBar();
    QVERIFY(bar);
    QVERIFY(!bar->isVisible());
    QVERIFY(bar->findAction()->shortcuts().contains(QKeySequence(QKeySequence::Find)));

    window.transcriptView()->setFocus();
    QTest::keyClick(window.transcriptView(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(bar->isVisible());
    QVERIFY(bar->patternEdit()->hasFocus());

    // Nothing to search before a connection.
    QTest::keyClicks(bar->patternEdit(), QStringLiteral("abc"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QCOMPARE(bar->resultText(), QStringLiteral("Nothing to search yet"));

    // The Edit menu offers Find, Find Next and Find Previous.
    QMenu *edit = nullptr;
    for (QAction *menuAction : window.menuBar()->actions()) {
        if (menuAction->text() == QStringLiteral("&Edit"))
            edit = menuAction->menu();
    }
    QVERIFY(edit);
    QVERIFY(edit->actions().contains(bar->findAction()));
    QVERIFY(edit->actions().contains(bar->findNextAction()));
    QVERIFY(edit->actions().contains(bar->findPreviousAction()));
}

void FindBarTest::enterFindsAndShowsTheMatch()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);

    QTest::keyClick(window->view(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(bar->patternEdit()->hasFocus());
    QTest::keyClicks(bar->patternEdit(), QStringLiteral("hello"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 1);
    // Sent "GET /hello" comes first in the transcript; case matters by default.
    QCOMPARE(matchText(found.at(0)), QStringLiteral("sent@5+5"));
    QCOMPARE(bar->resultText(), QStringLiteral("Sent, offset %1").arg(QLocale().toString(5)));

    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 2);
    // Across the two received chunks.
    QCOMPARE(matchText(found.at(1)), QStringLiteral("received@19+5"));
    QCOMPARE(bar->resultText(), QStringLiteral("Received, offset %1").arg(QLocale().toString(19)));
    QCOMPARE(bar->currentRange().offset, qint64(19));
}

void FindBarTest::previousNextAndWrap()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("HELLO"));
    QVERIFY(bar->matchCaseBox()->isEnabled());
    bar->matchCaseBox()->setChecked(false);

    // F3 (Find Next) from the top: sent, received, received, then wraps.
    const QStringList expected = {QStringLiteral("sent@5+5"), QStringLiteral("received@19+5"),
                                  QStringLiteral("received@32+5"), QStringLiteral("sent@5+5")};
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QTest::keyClick(bar->patternEdit(), Qt::Key_F3);
        QTRY_COMPARE(found.size(), i + 1);
        QCOMPARE(matchText(found.at(i)), expected.at(i));
    }
    QVERIFY(bar->resultText().contains(QStringLiteral("wrapped to the top")));
    QCOMPARE(window->statusBar()->currentMessage(), QStringLiteral("Search wrapped to the top"));

    // Shift+Enter: previous, wrapping to the bottom.
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return, Qt::ShiftModifier);
    QTRY_COMPARE(found.size(), 5);
    QCOMPARE(matchText(found.at(4)), QStringLiteral("received@32+5"));
    QCOMPARE(window->statusBar()->currentMessage(), QStringLiteral("Search wrapped to the bottom"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_F3, Qt::ShiftModifier);
    QTRY_COMPARE(found.size(), 6);
    QCOMPARE(matchText(found.at(5)), QStringLiteral("received@19+5"));
    QVERIFY(!bar->resultText().contains(QStringLiteral("wrapped")));

    // Not found.
    bar->patternEdit()->setText(QStringLiteral("absent"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(bar->resultText(), QStringLiteral("Not found"));
    QCOMPARE(found.size(), 6);
}

void FindBarTest::directionChoice()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->scopeBox()->setCurrentIndex(bar->scopeBox()->findData(int(TranscriptSearch::Scope::Received)));
    QTest::keyClicks(bar->patternEdit(), QStringLiteral("\\r\\n\\r\\n")); // escapes, as in the request
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 1);
    QCOMPARE(matchText(found.at(0)), QStringLiteral("received@15+4"));

    bar->scopeBox()->setCurrentIndex(bar->scopeBox()->findData(int(TranscriptSearch::Scope::Sent)));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 2);
    QCOMPARE(matchText(found.at(1)), QStringLiteral("sent@19+4"));
}

void FindBarTest::badHexIsReportedBeforeSearching()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);
    QSignalSpy finished(bar->search(), &TranscriptSearch::finished);
    bar->activate();
    bar->syntaxBox()->setCurrentIndex(bar->syntaxBox()->findData(int(SearchPattern::Syntax::Hex)));
    QVERIFY(!bar->matchCaseBox()->isEnabled());
    QTest::keyClicks(bar->patternEdit(), QStringLiteral("48 5g"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QCOMPARE(bar->resultText(), QStringLiteral("Bad hex pattern (column 5: \"g\" is not a hex digit)"));
    QCOMPARE(window->statusBar()->currentMessage(), bar->resultText());
    QCOMPARE(bar->findChild<QLabel *>(QStringLiteral("findResult"))->accessibleName(),
             QStringLiteral("Find result: ") + bar->resultText());
    QCOMPARE(bar->patternEdit()->cursorPosition(), 4);
    QVERIFY(!bar->isSearching());
    QCOMPARE(finished.size(), 0);

    // Fixed: "48 54 54 50" is "HTTP".
    bar->patternEdit()->setText(QStringLiteral("0x48 0x54 5450"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 1);
    QCOMPARE(matchText(found.at(0)), QStringLiteral("sent@11+4"));
}

void FindBarTest::escapeHidesAndFocusesTheView()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QTest::keyClick(window->view(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(bar->patternEdit()->hasFocus());
    QTest::keyClick(bar->patternEdit(), Qt::Key_Escape);
    QVERIFY(!bar->isVisible());
    QTRY_VERIFY(window->view()->hasFocus());

    // F3 with the bar hidden opens it and searches the last pattern.
    bar->patternEdit()->setText(QStringLiteral("OK"));
    QSignalSpy found(bar, &FindBar::matchFound);
    QTest::keyClick(window->view(), Qt::Key_F3);
    QTRY_COMPARE(found.size(), 1);
    QVERIFY(bar->isVisible());
}

void FindBarTest::longSearchShowsProgressAndCancels()
{
    auto transcript = std::make_shared<Transcript>();
    const QByteArray block(Transcript::maxChunkSize, 'x');
    for (int i = 0; i < 24 * 16; ++i) // 24 MB
        transcript->appendData(i % 2 ? Direction::Received : Direction::Sent, block);
    std::unique_ptr<TranscriptWindow> window(showWindow(transcript));
    FindBar *bar = window->findBar();

    // Hold the worker on its third block until the test has clicked Cancel.
    QSemaphore reached;
    QSemaphore proceed;
    std::atomic<int> blocks{0};
    bar->search()->setBlockObserver([&](qint64) {
        if (++blocks == 3) {
            reached.release();
            proceed.acquire();
        }
    });
    QSignalSpy finished(bar->search(), &TranscriptSearch::finished);
    bar->activate();
    QTest::keyClicks(bar->patternEdit(), QStringLiteral("absent"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QVERIFY(bar->isSearching());
    QCOMPARE(bar->resultText(), QStringLiteral("Searching\u2026"));
    reached.acquire();
    QTRY_VERIFY(bar->progressBar()->isVisible());
    QVERIFY(bar->progressBar()->value() > 0);
    QVERIFY(bar->cancelButton()->isVisible());
    QTest::mouseClick(bar->cancelButton(), Qt::LeftButton);
    proceed.release();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<TranscriptSearch::Result>().status, TranscriptSearch::Status::Cancelled);
    QCOMPARE(bar->resultText(), QStringLiteral("Search cancelled"));
    QVERIFY(!bar->progressBar()->isVisible());
    QVERIFY(!bar->cancelButton()->isVisible());
    QCOMPARE(blocks.load(), 3);
}

void FindBarTest::newTranscriptStartsFromTheTop()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("hello"));
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 1);
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 2);
    QCOMPARE(matchText(found.at(1)), QStringLiteral("received@19+5"));

    window->view()->setTranscript(sample()); // as when a new connection starts
    QTest::keyClick(bar->patternEdit(), Qt::Key_Return);
    QTRY_COMPARE(found.size(), 3);
    QCOMPARE(matchText(found.at(2)), QStringLiteral("sent@5+5"));
    QVERIFY(!bar->resultText().contains(QStringLiteral("wrapped")));
}

void FindBarTest::resultForAnotherTranscriptIsDropped()
{
    auto transcript = std::make_shared<Transcript>();
    const QByteArray block(Transcript::maxChunkSize, 'x');
    for (int i = 0; i < 4 * 16; ++i) // 4 MB, then the match
        transcript->appendData(Direction::Received, block);
    transcript->appendData(Direction::Received, "needle");
    std::unique_ptr<TranscriptWindow> window(showWindow(transcript));
    FindBar *bar = window->findBar();
    QSemaphore reached;
    QSemaphore proceed;
    std::atomic<int> blocks{0};
    bar->search()->setBlockObserver([&](qint64) {
        if (++blocks == 1) {
            reached.release();
            proceed.acquire();
        }
    });
    QSignalSpy found(bar, &FindBar::matchFound);
    QSignalSpy finished(bar->search(), &TranscriptSearch::finished);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("needle"));
    bar->findNext();
    reached.acquire();
    window->view()->setTranscript(sample()); // a new connection while it searches
    proceed.release();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<TranscriptSearch::Result>().status, TranscriptSearch::Status::Found);
    QCOMPARE(found.size(), 0);
    QVERIFY(!bar->currentRange().isValid());
}

void FindBarTest::buttonsSearchToo()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("HTTP"));
    QTest::mouseClick(bar->findChild<QToolButton *>(QStringLiteral("findNext")), Qt::LeftButton);
    QTRY_COMPARE(found.size(), 1);
    QCOMPARE(matchText(found.at(0)), QStringLiteral("sent@11+4"));
    QTest::mouseClick(bar->findChild<QToolButton *>(QStringLiteral("findPrevious")), Qt::LeftButton);
    QTRY_COMPARE(found.size(), 2);
    QCOMPARE(matchText(found.at(1)), QStringLiteral("received@0+4")); // wrapped to the bottom
    QTest::mouseClick(bar->findChild<QToolButton *>(QStringLiteral("findClose")), Qt::LeftButton);
    QVERIFY(!bar->isVisible());
}

void FindBarTest::findStartsFromTheViewsSelection()
{
    // Text rows: 0 "> GET /hello HTTP/1.0\r\n", 1 "> \r\n", 2 "* connected ...",
    // 3 "< HTTP/1.0 200 OK\r\n", 4 "< \r\n", 5 "< hel", 6 "< lo world, Hello again".
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    TranscriptView *view = window->view();
    view->flush();
    QTRY_VERIFY(view->paintedRows().size() >= 7);
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("hello"));
    bar->matchCaseBox()->setChecked(false); // matches: sent@5, received@19, received@32
    const auto click = [&](qint64 row, qsizetype column, Qt::KeyboardModifiers modifiers = {}) {
        const QRect cell = view->cellRect({row, column});
        QVERIFY(!cell.isEmpty());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, cell.topLeft() + QPoint(1, cell.height() / 2));
    };

    // A click in "HTTP/1.0 200 OK" (received byte 0): F3 finds the next match from there, not from the top.
    click(3, 2);
    QVERIFY(!view->hasSelection() && view->hasCaret());
    bar->findNextAction()->trigger();
    QTRY_COMPARE(found.size(), 1);
    QCOMPARE(matchText(found.at(0)), QStringLiteral("received@19+5"));
    // Untouched since: on from the match shown.
    bar->findNextAction()->trigger();
    QTRY_COMPARE(found.size(), 2);
    QCOMPARE(matchText(found.at(1)), QStringLiteral("received@32+5"));

    // A click right on a match's first byte: that match is next.
    click(0, 7);
    bar->findNextAction()->trigger();
    QTRY_COMPARE(found.size(), 3);
    QCOMPARE(matchText(found.at(2)), QStringLiteral("sent@5+5"));

    // A selection starting at a match ("hello" selected by hand): Next is the
    // one after it, Previous the one before its start.
    click(0, 7);
    click(0, 12, Qt::ShiftModifier);
    QCOMPARE(view->selectedText(), QStringLiteral("hello"));
    bar->findNextAction()->trigger();
    QTRY_COMPARE(found.size(), 4);
    QCOMPARE(matchText(found.at(3)), QStringLiteral("received@19+5"));
    click(6, 2);             // "lo world": received byte 22
    click(6, 8, Qt::ShiftModifier);
    bar->findPreviousAction()->trigger(); // Shift+F3
    QTRY_COMPARE(found.size(), 5);
    QCOMPARE(matchText(found.at(4)), QStringLiteral("received@19+5"));
    QVERIFY(!bar->resultText().contains(QStringLiteral("wrapped")));
    // The F3 key itself, from a click in the event row: the next data byte on.
    click(2, 3);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_F3);
    QTRY_COMPARE(found.size(), 6);
    QCOMPARE(matchText(found.at(5)), QStringLiteral("received@19+5"));
}

void FindBarTest::findStartsFromAHexSelection()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    TranscriptView *view = window->view();
    view->setShowHex(true);
    view->flush();
    // Hex rows: 0-1 sent, 2 event, 3-5 received (offsets 0, 16, 32).
    QTRY_VERIFY(view->paintedRows().size() >= 6);
    QSignalSpy found(bar, &FindBar::matchFound);
    bar->activate();
    bar->patternEdit()->setText(QStringLiteral("hello"));
    bar->matchCaseBox()->setChecked(false);
    // Received byte 20 ("e" of "hel"): row 4, byte 4 of the row.
    qint64 row = -1;
    qsizetype column = -1;
    QVERIFY(view->layout().rowOfByte(TranscriptLayout::Mode::Hex, Direction::Received, 20, false, &row, &column));
    QCOMPARE(row, 4);
    const QRect cell = view->cellRect({row, column});
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.topLeft() + QPoint(1, cell.height() / 2));
    bar->findNextAction()->trigger();
    QTRY_COMPARE(found.size(), 1);
    QCOMPARE(matchText(found.at(0)), QStringLiteral("received@32+5"));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.topLeft() + QPoint(1, cell.height() / 2));
    bar->findPreviousAction()->trigger();
    QTRY_COMPARE(found.size(), 2);
    QCOMPARE(matchText(found.at(1)), QStringLiteral("received@19+5"));
}

void FindBarTest::everyControlIsNamed()
{
    std::unique_ptr<TranscriptWindow> window(showWindow(sample()));
    FindBar *bar = window->findBar();
    bar->activate();
    const QList<QWidget *> controls = {bar->patternEdit(), bar->syntaxBox(),  bar->scopeBox(),
                                       bar->matchCaseBox(), bar->progressBar(), bar->cancelButton()};
    for (QWidget *w : controls) {
        QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
        QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->objectName()));
    }
    const QList<QToolButton *> buttons = bar->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly);
    QCOMPARE(buttons.size(), 4); // previous, next, cancel, close
    for (QToolButton *button : buttons) {
        QVERIFY2(!button->accessibleName().isEmpty(), qPrintable(button->objectName()));
        QVERIFY2(!button->toolTip().isEmpty(), qPrintable(button->objectName()));
    }
    QVERIFY(bar->findNextAction()->toolTip().contains(QKeySequence(Qt::Key_F3).toString(QKeySequence::NativeText)));
}

QTEST_MAIN(FindBarTest)
#include "tst_findbar.moc"
