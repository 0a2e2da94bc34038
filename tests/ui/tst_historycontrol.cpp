// HistoryControl with a real history folder: sessions recorded with autosave
// on are kept and listed, reopened into a TranscriptWindow and deleted from
// File > History; with autosave off nothing is kept; the retention limits
// apply after each session and at start; a store left by a killed recorder
// is announced once at start, with "Open History".
#include <csignal>
#include <cstdio>

#include <QApplication>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "historycontrol.h"
#include "historydialog.h"
#include "historymodel.h"
#include "mainwindow.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcripthistory.h"
#include "transcriptview.h"
#include "transcriptwindow.h"

using TestSupport::LoopbackServer;

class HistoryControlTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void autosavedSessionIsListedAndNeverAsked();
    void autosaveOffKeepsNothingAndAsks();
    void limitsApplyAfterEachSession();
    void startAppliesTheLimits();
    void dialogListsOpensAndDeletes();
    void openFailureIsReported();
    void openDialogShowsTheSessionRecording();
    void killedRecorderIsAnnouncedOnce();
    void historyActionAndShortcut();

private:
    struct Main {
        Main(const QString &settingsPath, const QString &folder)
            : settings(settingsPath)
            , window(&settings, &dialogs)
        {
            window.historyControl()->setFolder(folder);
        }
        AppSettings settings;
        FakeDialogs dialogs;
        MainWindow window;
    };
    std::unique_ptr<Main> makeMain()
    {
        return std::make_unique<Main>(m_dir->filePath(QStringLiteral("settings-%1.ini").arg(++m_count)), folder());
    }
    QString folder() const { return m_dir->filePath(QStringLiteral("history")); }
    QStringList storeFolders() const
    {
        return QDir(folder()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    }
    // One session: connect, receive the greeting, the server closes.
    static bool runSession(MainWindow &window, const QByteArray &greeting);
    // A closed store with `bytes` received, as a finished session leaves it.
    void keepStore(const QString &host, quint16 port, const QByteArray &bytes);
    static QList<TranscriptWindow *> transcriptWindows();

    std::unique_ptr<QTemporaryDir> m_dir;
    int m_count = 0;
};

void HistoryControlTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<TranscriptWindow *>();
    qRegisterMetaType<std::shared_ptr<Transcript>>();
}

void HistoryControlTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void HistoryControlTest::cleanup()
{
    qDeleteAll(transcriptWindows());
    m_dir.reset();
}

QList<TranscriptWindow *> HistoryControlTest::transcriptWindows()
{
    QList<TranscriptWindow *> windows;
    const QWidgetList all = QApplication::topLevelWidgets();
    for (QWidget *w : all) {
        if (auto *tw = qobject_cast<TranscriptWindow *>(w))
            windows.append(tw);
    }
    return windows;
}

bool HistoryControlTest::runSession(MainWindow &window, const QByteArray &greeting)
{
    LoopbackServer server;
    if (!server.listenLocal())
        return false;
    server.setGreeting(greeting);
    server.setCloseAfterGreeting(true);
    QSignalSpy finished(window.session(), &Session::finished);
    window.setEndpoint(QStringLiteral("127.0.0.1"), server.serverPort());
    if (!window.connectToHost())
        return false;
    return QTest::qWaitFor([&] { return !finished.isEmpty(); }, 20000)
        && window.session()->bytesReceived() == greeting.size();
}

void HistoryControlTest::keepStore(const QString &host, quint16 port, const QByteArray &bytes)
{
    QString error;
    std::shared_ptr<Transcript> transcript = TranscriptHistory(folder()).createTranscript(host, port, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    transcript->start();
    transcript->appendEvent(TranscriptEvent::connected(), host);
    transcript->appendData(Transcript::Direction::Received, bytes);
    // Destroyed here: the store is closed and kept.
}

void HistoryControlTest::autosavedSessionIsListedAndNeverAsked()
{
    auto main = makeMain();
    MainWindow &window = main->window;
    window.show();
    QVERIFY(main->settings.autosave()); // the default
    QVERIFY(runSession(window, "hello from the server\r\n"));
    QVERIFY(window.transcript());
    QVERIFY(window.historyControl()->isAutosaved(window.transcript()));
    QCOMPARE(window.transcript()->storePath().isEmpty(), false);
    QVERIFY(window.transcript()->storePath().startsWith(folder()));

    // Listed after the session (the limits were applied then).
    HistoryControl *history = window.historyControl();
    QTRY_VERIFY(!history->isBusy());
    QCOMPARE(history->items().size(), 1);
    const TranscriptHistory::Item item = history->items().first();
    QCOMPARE(item.host, QStringLiteral("127.0.0.1"));
    QVERIFY(item.active); // this window still holds it
    QCOMPARE(item.port, window.transcript()->port());

    // Kept on disk as it arrives: no unsaved mark, no question.
    QVERIFY(!window.isWindowModified());
    QVERIFY(window.clearTranscript());
    QVERIFY(main->dialogs.unsavedQuestions.isEmpty());
    QVERIFY(window.close());
    QVERIFY(main->dialogs.unsavedQuestions.isEmpty());
    QCOMPARE(main->dialogs.unexpected, 0);

    // Once the window is gone (the session keeps its last transcript until
    // then), the store is closed and still in the history.
    main.reset();
    const QList<TranscriptHistory::Item> items = TranscriptHistory(folder()).items();
    QCOMPARE(items.size(), 1);
    QVERIFY(!items.first().active);
    QVERIFY(!items.first().recovered);
    QVERIFY(items.first().endTime.isValid());
    QCOMPARE(items.first().bytesReceived, qint64(23));
}

void HistoryControlTest::autosaveOffKeepsNothingAndAsks()
{
    auto main = makeMain();
    main->settings.setAutosave(false);
    MainWindow &window = main->window;
    window.show();
    QVERIFY(runSession(window, "not kept\n"));
    QVERIFY(!window.historyControl()->isAutosaved(window.transcript()));
    QTRY_VERIFY(!window.historyControl()->isBusy());
    QCOMPARE(storeFolders(), QStringList());
    QCOMPARE(window.historyControl()->items().size(), 0);

    QVERIFY(window.isWindowModified());
    main->dialogs.unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(window.clearTranscript());
    QCOMPARE(main->dialogs.unsavedQuestions.size(), 1);
    QCOMPARE(storeFolders(), QStringList());
}

void HistoryControlTest::limitsApplyAfterEachSession()
{
    auto main = makeMain();
    TranscriptHistory::Limits limits;
    limits.maxCount = 2;
    main->settings.setHistoryLimits(limits);
    MainWindow &window = main->window;
    window.show();
    QStringList seen;
    for (int i = 0; i < 4; ++i) {
        QVERIFY(runSession(window, QByteArray("session ") + QByteArray::number(i) + '\n'));
        seen.append(QFileInfo(window.transcript()->storePath()).fileName());
        QTRY_VERIFY(!window.historyControl()->isBusy());
        QVERIFY2(storeFolders().size() <= 2, qPrintable(storeFolders().join(QLatin1Char(' '))));
    }
    // The two newest are kept: the one shown (active) and the one before.
    QCOMPARE(storeFolders(), (QStringList{seen.at(2), seen.at(3)}));
    QCOMPARE(window.historyControl()->items().size(), 2);
}

void HistoryControlTest::startAppliesTheLimits()
{
    for (int i = 0; i < 5; ++i)
        keepStore(QStringLiteral("host%1.example").arg(i), quint16(1000 + i), QByteArray(1000, 'x'));
    QCOMPARE(storeFolders().size(), 5);
    const QStringList before = storeFolders();

    AppSettings settings(m_dir->filePath(QStringLiteral("start.ini")));
    TranscriptHistory::Limits limits;
    limits.maxCount = 3;
    settings.setHistoryLimits(limits);
    FakeDialogs dialogs;
    QWidget window;
    HistoryControl control(&settings, &dialogs, &window, folder());
    QSignalSpy listed(&control, &HistoryControl::listed);
    QSignalSpy idle(&control, &HistoryControl::idle);
    control.start();
    QVERIFY(control.isBusy());
    QTRY_COMPARE(idle.count(), 1);
    QCOMPARE(listed.count(), 1);
    QCOMPARE(storeFolders(), before.mid(2)); // the oldest two went
    QCOMPARE(control.items().size(), 3);
    QCOMPARE(control.items().first().host, QStringLiteral("host4.example")); // newest first
    QVERIFY(!control.recoveryNotice()); // nothing recovered
}

void HistoryControlTest::dialogListsOpensAndDeletes()
{
    keepStore(QStringLiteral("first.example"), 21, "first transcript\n");
    keepStore(QStringLiteral("second.example"), 22, "second transcript\n");
    auto main = makeMain();
    MainWindow &window = main->window;
    window.show();

    HistoryDialog *dialog = window.historyControl()->showDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QTRY_COMPARE(dialog->model()->rowCount(), 2);
    QTreeView *table = dialog->table();
    QCOMPARE(table->model()->index(0, HistoryModel::HostColumn).data().toString(),
             QStringLiteral("second.example")); // newest first
    QCOMPARE(table->model()->index(0, HistoryModel::PortColumn).data().toString(), QStringLiteral("22"));
    QVERIFY(table->model()->index(0, HistoryModel::DurationColumn).data().toString().endsWith(QStringLiteral("s")));

    // Open: Enter on the selected row opens a read-only window.
    QSignalSpy opened(&window, &MainWindow::transcriptWindowOpened);
    dialog->selectId(table->model()->index(1, 0).data(HistoryModel::IdRole).toString());
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Return);
    QTRY_COMPARE(opened.count(), 1);
    auto *reopened = opened.first().first().value<TranscriptWindow *>();
    QVERIFY(reopened->isVisible());
    QCOMPARE(reopened->transcript()->host(), QStringLiteral("first.example"));
    QVERIFY2(reopened->windowTitle().startsWith(QStringLiteral("first.example:21, ")), qPrintable(reopened->windowTitle()));
    QVERIFY(reopened->accessibleName().contains(QStringLiteral("first.example:21")));
    QCOMPARE(reopened->transcript()->read(Transcript::Direction::Received, 0, 100),
             QByteArray("first transcript\n"));
    QTRY_VERIFY(reopened->view()->allText().contains(QStringLiteral("first transcript")));
    QCOMPARE(main->dialogs.errors, QStringList());

    // Delete the other one, after saying yes.
    const QString secondId = table->model()->index(0, 0).data(HistoryModel::IdRole).toString();
    table->clearSelection();
    dialog->selectId(secondId);
    main->dialogs.confirmAnswers.enqueue(true);
    QTest::mouseClick(dialog->deleteButton(), Qt::LeftButton);
    QCOMPARE(main->dialogs.confirmQuestions.size(), 1);
    QTRY_COMPARE(dialog->model()->rowCount(), 1);
    QVERIFY(!storeFolders().contains(secondId));
    QCOMPARE(storeFolders().size(), 1);
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Deleted 1 transcript")));
    QCOMPARE(main->dialogs.errors, QStringList());
    QCOMPARE(main->dialogs.unexpected, 0);
}

void HistoryControlTest::openFailureIsReported()
{
    AppSettings settings(m_dir->filePath(QStringLiteral("fail.ini")));
    FakeDialogs dialogs;
    QWidget window;
    HistoryControl control(&settings, &dialogs, &window, folder());
    QSignalSpy opened(&control, &HistoryControl::transcriptOpened);
    control.open({QStringLiteral("no-such-store")});
    QTRY_VERIFY(!control.isBusy());
    QCOMPARE(opened.count(), 0);
    QCOMPARE(dialogs.errors.size(), 1);
    QVERIFY2(dialogs.errors.first().contains(QStringLiteral("no-such-store")), qPrintable(dialogs.errors.first()));
}

void HistoryControlTest::openDialogShowsTheSessionRecording()
{
    auto main = makeMain();
    MainWindow &window = main->window;
    window.show();
    HistoryDialog *dialog = window.historyControl()->showDialog();
    QTRY_VERIFY(!window.historyControl()->isBusy());
    QCOMPARE(dialog->model()->rowCount(), 0);

    LoopbackServer server; // stays open: the session goes on
    QVERIFY(server.listenLocal());
    server.setGreeting("still here\n");
    window.setEndpoint(QStringLiteral("127.0.0.1"), server.serverPort());
    QVERIFY(window.connectToHost());
    QTRY_COMPARE(dialog->model()->rowCount(), 1);
    const QModelIndex duration = dialog->table()->model()->index(0, HistoryModel::DurationColumn);
    QCOMPARE(duration.data().toString(), QStringLiteral("recording"));
    // Not deletable while recorded.
    dialog->selectId(duration.data(HistoryModel::IdRole).toString());
    QVERIFY(!dialog->deleteButton()->isEnabled());
    window.disconnectFromHost();
    QTRY_COMPARE(window.session()->state(), Session::State::Closed);
}

void HistoryControlTest::killedRecorderIsAnnouncedOnce()
{
    // A recorder killed mid-session leaves its store "recording".
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"}) {
        const QString path = m_dir->filePath(QString::fromLatin1(name));
        QVERIFY(QDir().mkpath(path));
        environment.insert(QString::fromLatin1(name), path);
    }
    child.setProcessEnvironment(environment);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--record-child"), folder()});
    QVERIFY(child.waitForStarted());
    QByteArray output;
    QTRY_VERIFY2_WITH_TIMEOUT((output += child.readAllStandardOutput()).contains("ready"),
                              qPrintable(QString::fromLocal8Bit(output + child.readAllStandardError())), 20000);
    QCOMPARE(TranscriptHistory(folder()).items().size(), 1);
    QVERIFY(TranscriptHistory(folder()).items().first().active);
    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished());

    QList<TranscriptHistory::Item> items = TranscriptHistory(folder()).items();
    QCOMPARE(items.size(), 1);
    QVERIFY(items.first().recovered);

    auto main = makeMain();
    MainWindow &window = main->window;
    window.show();
    HistoryControl *history = window.historyControl();
    QSignalSpy recovered(history, &HistoryControl::recoveredFound);
    history->start();
    QTRY_COMPARE(recovered.count(), 1);
    QCOMPARE(recovered.first().first().toStringList(), QStringList{items.first().id});
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("recovered")));
    QMessageBox *notice = history->recoveryNotice();
    QVERIFY(notice);
    QVERIFY(notice->isVisible());
    QVERIFY(!notice->isModal());
    QVERIFY2(notice->text().contains(QStringLiteral("1 transcript was recovered")), qPrintable(notice->text()));
    auto *openHistory = notice->findChild<QPushButton *>(QStringLiteral("recoveryOpenHistory"));
    QVERIFY(openHistory);
    QCOMPARE(openHistory->accessibleName(), QStringLiteral("Open History"));
    QTest::mouseClick(openHistory, Qt::LeftButton);
    QTRY_VERIFY(!history->recoveryNotice());

    // The dialog shows it marked, and selected.
    HistoryDialog *dialog = history->dialog();
    QVERIFY(dialog && dialog->isVisible());
    QTRY_COMPARE(dialog->model()->rowCount(), 1);
    QCOMPARE(dialog->table()->model()->index(0, HistoryModel::DurationColumn).data().toString(),
             QStringLiteral("recovered"));
    QCOMPARE(dialog->selectedIds(), QStringList{items.first().id});
    // What was written before the kill is there.
    QSignalSpy opened(&window, &MainWindow::transcriptWindowOpened);
    dialog->openSelected();
    QTRY_COMPARE(opened.count(), 1);
    auto *reopened = opened.first().first().value<TranscriptWindow *>();
    QCOMPARE(reopened->transcript()->host(), QStringLiteral("crash.example"));
    QCOMPARE(reopened->transcript()->read(Transcript::Direction::Received, 0, 100), QByteArray("recorded before the kill\n"));

    // Announced once: the next start says nothing.
    main->settings.sync();
    AppSettings again(main->settings.fileName());
    FakeDialogs dialogs;
    QWidget other;
    HistoryControl second(&again, &dialogs, &other, folder());
    QSignalSpy recoveredAgain(&second, &HistoryControl::recoveredFound);
    QSignalSpy idle(&second, &HistoryControl::idle);
    second.start();
    QTRY_COMPARE(idle.count(), 1);
    QCOMPARE(recoveredAgain.count(), 0);
    QVERIFY(!second.recoveryNotice());
    QCOMPARE(second.items().size(), 1);
    QVERIFY(second.items().first().recovered);
}

void HistoryControlTest::historyActionAndShortcut()
{
    auto main = makeMain();
    MainWindow &window = main->window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QAction *action = window.historyControl()->historyAction();
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
    QVERIFY(!action->toolTip().isEmpty());
    QVERIFY(!window.historyControl()->dialog());
    QTest::keyClick(&window, Qt::Key_H, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window.historyControl()->dialog());
    QVERIFY(window.historyControl()->dialog()->isVisible());
    QTRY_VERIFY(!window.historyControl()->isBusy());
    // In the File menu.
    bool inFileMenu = false;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->menu() && menu->menu()->actions().contains(action))
            inFileMenu = menu->text().contains(QStringLiteral("File"));
    }
    QVERIFY(inFileMenu);
}

// The child: records into a kept store, says "ready", waits to be killed.
static int recordChild(const char *folder)
{
    QString error;
    std::shared_ptr<Transcript> transcript =
        TranscriptHistory(QString::fromLocal8Bit(folder)).createTranscript(QStringLiteral("crash.example"), 7000, &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    transcript->start();
    transcript->appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:7000"));
    transcript->appendData(Transcript::Direction::Received, "recorded before the kill\n");
    if (!transcript->flush())
        return 2;
    std::printf("ready\n");
    std::fflush(stdout);
    while (std::getchar() != EOF) {
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--record-child") == 0) {
        QCoreApplication app(argc, argv);
        return recordChild(argv[2]);
    }
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    HistoryControlTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_historycontrol.moc"
