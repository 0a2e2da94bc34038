#include "mainwindow.h"

#include <functional>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QToolButton>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScreen>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QVBoxLayout>

#include "actionutil.h"
#include "appsettings.h"
#include "certificatepanel.h"
#include "connectionbar.h"
#include "connectionsetup.h"
#include "copystatus.h"
#include "dialogs.h"
#include "historycontrol.h"
#include "findbar.h"
#include "messagestatusbar.h"
#include "recordingstatus.h"
#include "requesteditor.h"
#include "savestatus.h"
#include "sessionstatus.h"
#include "tlscontrol.h"
#include "trafficstatus.h"
#include "transcript.h"
#include "transcriptopener.h"
#include "transcriptview.h"
#include "transcriptwindow.h"
#include "transportstatus.h"
#include "version.h"

namespace {

QKeySequence standardOr(QKeySequence::StandardKey key, const QKeySequence &fallback)
{
    const QKeySequence sequence(key);
    return sequence.isEmpty() ? fallback : sequence;
}

// While `action` is disabled, its shortcuts in `window` call `explain`
// (which says why nothing happens) instead of doing nothing. The keys are
// the action's; the two never compete, as only one is enabled at a time.
void explainWhileDisabled(QWidget *window, QAction *action, const std::function<void()> &explain)
{
    auto *shortcut = new QShortcut(window);
    shortcut->setKeys(action->shortcuts());
    shortcut->setContext(Qt::WindowShortcut);
    shortcut->setEnabled(!action->isEnabled());
    QObject::connect(action, &QAction::enabledChanged, shortcut, [shortcut](bool enabled) {
        shortcut->setEnabled(!enabled);
    });
    QObject::connect(action, &QAction::changed, shortcut, [shortcut, action] {
        if (shortcut->keys() != action->shortcuts())
            shortcut->setKeys(action->shortcuts());
    });
    QObject::connect(shortcut, &QShortcut::activated, window, explain);
}

} // namespace

MainWindow::MainWindow(AppSettings *settings, Dialogs *dialogs, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_dialogs(dialogs)
    , m_files(dialogs, settings)
{
    setObjectName(QStringLiteral("mainWindow"));
    setAccessibleName(tr("Socketeer"));

    m_connection = new ConnectionBar(this);
    m_request = new RequestEditor(this);
    m_view = new TranscriptView(this);
    m_find = new FindBar(m_view, this);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("splitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_request);
    m_splitter->addWidget(m_view);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_connection);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_find);
    setCentralWidget(central);

    setStatusBar(new MessageStatusBar(this));
    m_status = new SessionStatus(&m_session, statusBar(), this);
    m_transportStatus = new TransportStatus(&m_session, statusBar(), this);
    connect(new RecordingStatus(&m_session, statusBar(), this), &RecordingStatus::stopped, this,
            &MainWindow::showError);
    m_saveStatus = new SaveStatus(&m_files, statusBar(), this);
    new CopyStatus(m_view, statusBar(), this);
    m_view->setDialogs(dialogs);
    m_trafficStatus = new TrafficStatus(&m_session, statusBar(), this);

    m_setup = new ConnectionSetup(settings, dialogs, this);
    m_connection->addOptionsWidget(m_setup->summaryButton());

    m_certificates = new CertificatePanel(dialogs, this);
    m_certificateDock = new QDockWidget(tr("Certificates"), this);
    m_certificateDock->setObjectName(QStringLiteral("certificateDock"));
    m_certificateDock->setAccessibleName(tr("Certificates"));
    m_certificateDock->setWidget(m_certificates);
    addDockWidget(Qt::RightDockWidgetArea, m_certificateDock);
    m_certificateDock->hide(); // until the first handshake
    m_tls = new TlsControl(&m_session, settings, dialogs, m_certificates, this);
    m_history = new HistoryControl(settings, dialogs, this);
    m_session.setTranscriptFactory(m_history->transcriptFactory());
    m_opener = new TranscriptOpener(statusBar(), this);

    createActions();
    createMenus();
    connectParts();
    loadSettings();
    onStateChanged(m_session.state());
}

MainWindow::~MainWindow()
{
    // Stop the session before the parts observing it go away.
    m_session.disconnect(this);
    m_session.abort();
}

void MainWindow::createActions()
{
    m_openAction = makeAction(this, tr("&Open Transcript..."), QString(), QStringLiteral("document-open"),
                              QStyle::SP_DialogOpenButton);
    setShortcuts(m_openAction, {standardOr(QKeySequence::Open, QKeySequence(Qt::CTRL | Qt::Key_O))},
                 tr("Open a saved JSONL transcript in a new window"));
    m_saveAction = makeAction(this, tr("&Save Transcript..."), QString(), QStringLiteral("document-save"),
                              QStyle::SP_DialogSaveButton);
    setShortcuts(m_saveAction, {standardOr(QKeySequence::Save, QKeySequence(Qt::CTRL | Qt::Key_S))},
                 tr("Save this connection's transcript (text, raw, hexdump or JSONL)"));
    m_quitAction = makeAction(this, tr("&Quit"), QString(), QStringLiteral("application-exit"),
                              QStyle::SP_DialogCloseButton);
    setShortcuts(m_quitAction, {standardOr(QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q))},
                 tr("Quit Socketeer"));
    m_quitAction->setMenuRole(QAction::QuitRole);

    m_clearAction = makeAction(this, tr("C&lear Transcript"),
                               tr("Forget the transcript shown (asks first if it is unsaved)"),
                               QStringLiteral("edit-clear"), QStyle::SP_DialogResetButton);

    m_aboutAction = makeAction(this, tr("&About Socketeer"), tr("Version and credits"), QStringLiteral("help-about"),
                               QStyle::SP_MessageBoxInformation);
    m_aboutAction->setMenuRole(QAction::AboutRole);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_saveAction);
    file->addAction(m_history->historyAction());
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_view->copyAction());
    edit->addAction(m_view->selectAllAction());
    edit->addSeparator();
    edit->addAction(m_find->findAction());
    edit->addAction(m_find->findNextAction());
    edit->addAction(m_find->findPreviousAction());
    edit->addSeparator();
    edit->addAction(m_clearAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_view->timestampsAction());
    view->addAction(m_view->wrapAction());
    view->addAction(m_view->hexAction());
    view->addSeparator();
    QAction *certificates = m_certificateDock->toggleViewAction();
    certificates->setObjectName(QStringLiteral("certificatePanelAction"));
    certificates->setText(tr("&Certificate Panel"));
    setShortcuts(certificates, {QKeySequence(Qt::Key_F9)},
                 tr("Show or hide the TLS session and the peer's certificates"));
    view->addAction(certificates);

    QMenu *connection = menuBar()->addMenu(tr("Co&nnection"));
    connection->addAction(m_connection->connectAction());
    connection->addAction(m_connection->disconnectAction());
    connection->addSeparator();
    connection->addAction(m_request->sendAction());
    connection->addAction(m_tls->startTlsAction());
    connection->addSeparator();
    connection->addAction(m_setup->optionsAction());
    connection->addAction(m_tls->trustedAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);

    for (QMenu *menu : {file, edit, view, connection, help})
        menu->setToolTipsVisible(true);
}

void MainWindow::connectParts()
{
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openTranscript);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::saveTranscript);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    connect(m_clearAction, &QAction::triggered, this, &MainWindow::clearTranscript);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    connect(m_connection->connectAction(), &QAction::triggered, this, &MainWindow::connectToHost);
    connect(m_connection->disconnectAction(), &QAction::triggered, this, &MainWindow::disconnectFromHost);
    connect(m_request->sendAction(), &QAction::triggered, this, &MainWindow::sendRequest);
    explainWhileDisabled(this, m_connection->connectAction(), [this] { connectToHost(); });
    explainWhileDisabled(this, m_request->sendAction(), [this] { sendRequest(); });
    connect(m_request, &RequestEditor::presetChosen, this, &MainWindow::applyPreset);
    // "Not sent: the request is invalid" is wrong once it is fixed.
    connect(m_request, &RequestEditor::validityChanged, this, [this](bool valid) {
        if (valid && !m_invalidRequestMessage.isEmpty() && statusBar()->currentMessage() == m_invalidRequestMessage)
            statusBar()->clearMessage();
        if (valid)
            m_invalidRequestMessage.clear();
    });

    // Kept current, so that a transcript window opened now shows the same.
    connect(m_view->timestampsAction(), &QAction::toggled, this,
            [this](bool show) { m_settings->setShowTimestamps(show); });
    connect(m_view->wrapAction(), &QAction::toggled, this, [this](bool wrap) { m_settings->setWrapLines(wrap); });
    connect(m_view->hexAction(), &QAction::toggled, this, [this](bool hex) { m_settings->setShowHex(hex); });
    connect(m_view, &TranscriptView::message, this, [this](const QString &text) { showMessage(text); });

    connect(&m_session, &Session::stateChanged, this, &MainWindow::onStateChanged);
    connect(&m_session, &Session::transcriptStarted, this, &MainWindow::onTranscriptStarted);

    connect(&m_session, &Session::finished, m_history, &HistoryControl::sessionFinished);
    connect(m_history, &HistoryControl::transcriptOpened, this,
            [this](std::shared_ptr<Transcript> transcript, const QString &path) {
                const QString name = HistoryControl::describe(*transcript);
                TranscriptWindow *window = showTranscriptWindow(std::move(transcript), path);
                window->setWindowTitle(tr("%1 (history, read-only) \u2014 Socketeer").arg(name));
                window->setAccessibleName(tr("Transcript %1").arg(name));
            });
    connect(m_history, &HistoryControl::message, this, [this](const QString &text, bool isError) {
        if (isError)
            showError(text);
        else
            showMessage(text, 10000);
    });
    connect(m_opener, &TranscriptOpener::opened, this,
            [this](std::shared_ptr<Transcript> transcript, const QString &path) {
                m_files.rememberDirectory(path);
                showTranscriptWindow(std::move(transcript), path);
            });
    connect(m_opener, &TranscriptOpener::failed, this, [this](const QString &, const QString &message) {
        m_dialogs->showError(this, tr("Open Transcript"), message);
    });
    connect(m_opener, &TranscriptOpener::cancelled, this, [this](const QString &path) {
        showMessage(tr("Opening %1 cancelled.").arg(QDir::toNativeSeparators(path)), 5000);
    });

    connect(m_tls, &TlsControl::panelUpdated, this, [this] {
        if (m_certificateDock->isHidden()) {
            // The window grows to make room for the panel where the screen
            // allows, rather than squeezing the transcript.
            const int wanted = m_certificates->sizeHint().width();
            if (!isMaximized() && !isFullScreen() && !m_certificateDock->isFloating() && screen()) {
                const int room = screen()->availableGeometry().width() - frameGeometry().width();
                if (room > 0)
                    resize(width() + qMin(room, wanted), height());
            }
            m_certificateDock->show();
            resizeDocks({m_certificateDock}, {qMin(wanted, width() / 2)}, Qt::Horizontal);
        }
        m_certificateDock->raise();
    });
    connect(m_find, &FindBar::statusMessage, this, &MainWindow::showMessage);
    connect(m_tls, &TlsControl::reconnectRequested, this, &MainWindow::connectToHost);
    connect(m_tls, &TlsControl::message, this, [this](const QString &text, bool isError) {
        if (isError)
            showError(text);
        else
            showMessage(text);
    });
}

void MainWindow::loadSettings()
{
    m_connection->setRecentHosts(m_settings->recentHosts());
    m_connection->setHost(m_settings->host());
    m_connection->setPort(m_settings->port());
    m_request->setMode(m_settings->requestMode());
    m_request->setLineEnding(m_settings->lineEnding());
    m_request->setText(m_settings->requestText());
    m_view->setShowTimestamps(m_settings->showTimestamps());
    m_view->setWrapLines(m_settings->wrapLines());
    m_view->setShowHex(m_settings->showHex());
    m_setup->load();

    if (!restoreGeometry(m_settings->windowGeometry())) {
        // A comfortable first size, in text units so it scales with the font.
        const QFontMetrics metrics(m_view->font());
        resize(metrics.horizontalAdvance(QLatin1Char('M')) * 110, metrics.lineSpacing() * 46);
    }
    restoreState(m_settings->windowState());
    if (!m_splitter->restoreState(m_settings->splitterState())) {
        const int line = QFontMetrics(m_view->font()).lineSpacing();
        m_splitter->setSizes({line * 13, line * 27}); // request small, transcript large
    }
}

void MainWindow::saveSettings()
{
    if (m_persistEndpoint) {
        m_settings->setHost(m_connection->host());
        m_settings->setPort(m_connection->port());
        m_settings->setRequestText(m_request->text());
        m_settings->setRequestMode(m_request->mode());
        m_settings->setLineEnding(m_request->lineEnding());
        m_setup->save();
    }
    m_settings->setShowTimestamps(m_view->showTimestamps());
    m_settings->setWrapLines(m_view->wrapLines());
    m_settings->setShowHex(m_view->showHex());
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->setSplitterState(m_splitter->saveState());
    m_settings->sync();
}

void MainWindow::setEndpoint(const QString &host, quint16 port)
{
    m_connection->setHost(host);
    m_connection->setPort(port);
}

void MainWindow::setConnectionOptions(const ConnectionOptions &options)
{
    m_setup->setOptions(options);
}

void MainWindow::applyPreset(RequestCodec::Preset preset)
{
    m_request->applyPreset(preset, Session::normalizeHost(m_connection->host()), m_connection->port());
}

bool MainWindow::connectToHost()
{
    if (!m_connection->canConnect()) {
        showError(m_session.isActive() ? tr("Already connected; disconnect first.") : tr("Enter a host to connect to."));
        return false;
    }
    if (!maybeSave(tr("Save it before connecting again?")))
        return false;
    const QString host = m_connection->host();
    const quint16 port = m_connection->port();
    QString whyNot;
    const std::optional<ConnectionOptions> options = m_setup->prepare(host, port, &whyNot);
    if (!options) {
        showError(whyNot);
        return false;
    }
    m_session.setOptions(*options);
    if (!m_session.connectToHost(host, port)) {
        showError(tr("Cannot connect now: the connection is %1.").arg(Session::stateName(m_session.state())));
        return false;
    }
    if (m_persistEndpoint) {
        m_settings->addRecentHost(host);
        m_connection->setRecentHosts(m_settings->recentHosts());
    }
    return true;
}

void MainWindow::disconnectFromHost()
{
    if (m_session.state() == Session::State::Connected)
        m_session.disconnectFromHost();
    else if (m_session.isActive())
        m_session.abort();
}

bool MainWindow::sendRequest()
{
    if (m_session.state() != Session::State::Connected) {
        showError(tr("Not sent: not connected. Connect to a host first."));
        return false;
    }
    const RequestCodec::Result result = m_request->encode();
    if (!result.ok()) {
        m_invalidRequestMessage = tr("Not sent: the request is invalid (line %1, column %2: %3).")
                                      .arg(result.error.line)
                                      .arg(result.error.column)
                                      .arg(result.error.message);
        showError(m_invalidRequestMessage);
        return false;
    }
    if (result.bytes.isEmpty()) {
        showError(tr("Nothing to send: the request is empty."));
        return false;
    }
    QString whyNot;
    if (!m_session.send(result.bytes, &whyNot)) {
        showError(whyNot);
        return false;
    }
    // Half-close (as nc -N): the sending side ends once the request is written.
    const ConnectionOptions &options = m_session.options(); // those of this connection
    if (options.halfClose && options.transport == ConnectionOptions::Transport::Tcp) {
        if (!m_session.finishSending(&whyNot)) {
            showError(whyNot);
            return false;
        }
        showMessage(tr("Sent %1; the sending side closes once it is written.")
                        .arg(SessionStatus::formatBytes(result.bytes.size())),
                    5000);
        return true;
    }
    const bool udp = options.transport == ConnectionOptions::Transport::Udp;
    showMessage((udp ? tr("Sent a datagram of %1.") : tr("Sent %1."))
                    .arg(SessionStatus::formatBytes(result.bytes.size())),
                5000);
    return true;
}

bool MainWindow::saveTranscript()
{
    if (!m_transcript || m_transcript->isEmpty()) {
        showMessage(tr("Nothing to save yet: connect first."));
        return false;
    }
    // In the background: SaveStatus shows the progress and the outcome.
    return m_files.saveAs(this, m_transcript).has_value();
}

bool MainWindow::openTranscript()
{
    if (m_opener->isBusy()) {
        showError(tr("Still opening %1: wait for it or cancel it first.")
                      .arg(QDir::toNativeSeparators(m_opener->path())));
        return false;
    }
    const QString path = m_files.chooseFileToOpen(this);
    return !path.isEmpty() && m_opener->open(path);
}

TranscriptWindow *MainWindow::showTranscriptWindow(std::shared_ptr<Transcript> transcript, const QString &path)
{
    auto *window = new TranscriptWindow(std::move(transcript), path, m_dialogs, m_settings, this);
    window->setQuitAction(m_quitAction); // quits through this window: it asks about unsaved data
    window->show();
    Q_EMIT transcriptWindowOpened(window);
    return window;
}

bool MainWindow::clearTranscript()
{
    if (m_session.isActive()) {
        showMessage(tr("Disconnect before clearing the transcript."));
        return false;
    }
    if (!maybeSave(tr("Save it before clearing?")))
        return false;
    disconnect(m_modifiedConnection);
    disconnect(m_appendedConnection);
    m_transcript.reset();
    m_view->setTranscript(nullptr);
    showMessage(tr("Transcript cleared."), 5000);
    updateActions();
    updateTitle();
    return true;
}

void MainWindow::showAbout()
{
    m_dialogs->showAbout(this, tr("About Socketeer"),
                         tr("<h3>Socketeer %1</h3>"
                            "<p>Connect to a TCP service, send a request and watch the reply stream live.</p>"
                            "<p>Built with Qt %2 (running on Qt %3).</p>")
                             .arg(QStringLiteral(SOCKETEER_VERSION), QStringLiteral(QT_VERSION_STR),
                                  QString::fromLatin1(qVersion())));
}

void MainWindow::showMessage(const QString &text, int timeoutMs)
{
    statusBar()->showMessage(text, timeoutMs);
}

void MainWindow::showError(const QString &text)
{
    m_status->showError(text);
}

void MainWindow::closeWithoutPrompt()
{
    m_skipUnsavedPrompt = true;
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_files.isWaiting()) { // a close is already waiting for its save
        event->ignore();
        return;
    }
    // Saves running here and in the transcript windows finish first (or
    // are cancelled by the person, leaving any old file as it was).
    m_files.waitForSave();
    for (TranscriptWindow *window : findChildren<TranscriptWindow *>(Qt::FindDirectChildrenOnly))
        window->transcriptFiles()->waitForSave();
    // Ended once the person answered, not before (Cancel keeps it), and
    // before saving: the last bytes and the "disconnected" event are then
    // in the file, and nothing is added to the transcript after it.
    const auto endConnection = [this] { m_session.abort(); };
    const QString question = m_session.isActive()
        ? tr("The connection to %1 is open and will be closed. Save the transcript before quitting?")
              .arg(Session::formatEndpoint(m_session.host(), m_session.port()))
        : tr("Save it before quitting?");
    if (!m_skipUnsavedPrompt && !maybeSave(question, endConnection)) {
        event->ignore();
        return;
    }
    saveSettings();
    m_session.abort();
    event->accept();
}

void MainWindow::onStateChanged(Session::State state)
{
    m_connection->setSessionState(state);
    m_request->setSendAllowed(state == Session::State::Connected);
    updateActions();
    updateTitle();
    // Where the next step is: typing the request, or fixing the host.
    if (state == Session::State::Connected) {
        m_request->editor()->setFocus(Qt::OtherFocusReason);
    } else if (state == Session::State::Closed && m_session.endReason() == Session::EndReason::Error) {
        m_connection->hostEdit()->setFocus(Qt::OtherFocusReason);
        m_connection->hostEdit()->selectAll();
    }
}

void MainWindow::onTranscriptStarted(std::shared_ptr<Transcript> transcript)
{
    disconnect(m_modifiedConnection);
    disconnect(m_appendedConnection);
    m_transcript = std::move(transcript);
    m_view->setTranscript(m_transcript);
    if (m_transcript) {
        m_modifiedConnection = connect(m_transcript.get(), &Transcript::modifiedChanged, this, &MainWindow::updateTitle);
        // The title's unsaved mark waits for the first data (events alone are
        // not worth saving); after that, appends cost nothing here.
        m_appendedConnection = connect(m_transcript.get(), &Transcript::entriesAppended, this, [this] {
            if (!isWindowModified() && m_transcript && m_transcript->hasData() && m_transcript->isModified()
                && !m_history->isAutosaved(m_transcript))
                setWindowModified(true);
        });
    }
    updateActions();
    updateTitle();
}

void MainWindow::updateActions()
{
    const bool active = m_session.isActive();
    m_saveAction->setEnabled(m_transcript != nullptr);
    m_clearAction->setEnabled(m_transcript != nullptr && !active);
}

void MainWindow::updateTitle()
{
    if (!m_transcript || m_transcript->host().isEmpty()) {
        setWindowTitle(tr("Socketeer"));
        setWindowModified(false);
        return;
    }
    const QString peer = Session::formatEndpoint(m_transcript->host(), m_transcript->port());
    setWindowTitle(tr("%1[*] \u2014 Socketeer").arg(peer));
    setWindowModified(m_transcript->hasData() && m_transcript->isModified() && !m_history->isAutosaved(m_transcript));
}

bool MainWindow::maybeSave(const QString &question, const std::function<void()> &answered)
{
    if (m_history->isAutosaved(m_transcript))
        return true; // on disk already, and kept
    return m_files.maybeSave(this, m_transcript, question, answered);
}
