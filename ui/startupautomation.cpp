#include "startupautomation.h"

#include <QDir>
#include <QFile>
#include <QStatusBar>
#include <QTimer>

#include <utility>

#include "connectionbar.h"
#include "exitcodes.h"
#include "headlessrunner.h"
#include "mainwindow.h"
#include "requestcodec.h"
#include "tlscontrol.h"
#include "transcriptio.h"
#include "transcriptsavejob.h"
#include "uilogging.h"

StartupAutomation::StartupAutomation(MainWindow *window, const CommandLineOptions &options, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_session(window->session())
    , m_options(options)
{
    Session *session = m_session;
    // The command line's --tls, --proxy, --udp... replace the remembered
    // connection options (and are remembered in turn, without secrets or
    // --trust pins).
    if (options.connectionGiven)
        window->setConnectionOptions(options.connection);
    // Quitting when the connection closes leaves no one to answer.
    if (options.quitOnClose)
        window->tlsControl()->setAskToTrust(false);
    // No "save changes?" when automation quits.
    connect(this, &StartupAutomation::quitRequested, window, &MainWindow::closeWithoutPrompt);
    connect(session, &Session::transcriptStarted, this, &StartupAutomation::onTranscriptStarted);
    // On the state rather than on connected(): send() needs State::Connected.
    connect(session, &Session::stateChanged, this, [this](Session::State state) {
        if (state == Session::State::Connected)
            onConnected();
    });
    connect(session, &Session::finished, this, &StartupAutomation::onFinished);
}

void StartupAutomation::start()
{
    // As in headless mode, everything that can fail before connecting fails
    // here, before any traffic: then nothing is connected or sent.
    QString problem;
    const std::optional<QList<QByteArray>> sends = loadSends(m_options.sends, &problem);
    if (!sends) {
        fail(problem, toInt(ExitCode::FileError));
        return;
    }
    m_pending = *sends;
    if (m_options.connectAtStart)
        QTimer::singleShot(0, this, &StartupAutomation::connectAtStart);
}

void StartupAutomation::connectAtStart()
{
    if (m_done || m_window->connectToHost())
        return;
    // Refused (the window said why): no connection will end, so end here.
    if (m_window->connectionBar()->host().isEmpty())
        fail(tr("Cannot connect at start: no host given"), toInt(ExitCode::UsageError));
    else
        fail(tr("Cannot connect at start"), toInt(ExitCode::SocketError));
}

void StartupAutomation::report(const QString &text, bool isError)
{
    const QString shown = m_window->statusBar()->currentMessage();
    const QString message = shown.isEmpty() ? text : shown + QStringLiteral(" \u2014 ") + text;
    if (isError)
        m_window->showError(message);
    else
        m_window->showMessage(message);
}

void StartupAutomation::fail(const QString &text, int exitCode)
{
    qCWarning(lcUi).noquote() << text;
    m_armed = false;
    m_done = true;
    m_exitCode = exitCode;
    m_pending.clear();
    QTimer::singleShot(0, this, [this, text] {
        report(text, true);
        if (m_options.quitOnClose)
            Q_EMIT quitRequested(m_exitCode);
    });
}

int StartupAutomation::exitCodeFor(const Session &session)
{
    if (session.endReason() != Session::EndReason::Error)
        return toInt(ExitCode::Success);
    return toInt(exitCodeForError(session.error()));
}

void StartupAutomation::onTranscriptStarted()
{
    if (m_armed) {
        m_armed = false;
        m_watching = true;
    }
}

void StartupAutomation::onConnected()
{
    // Once per connection: a STARTTLS upgrade goes Connected, Handshaking,
    // Connected again, and must not send the items a second time.
    if (!m_watching || m_sent)
        return;
    m_sent = true;
    const QList<QByteArray> pending = std::exchange(m_pending, {});
    for (const QByteArray &bytes : pending) {
        QString whyNot;
        if (!bytes.isEmpty() && !m_session->send(bytes, &whyNot)) {
            report(whyNot, true);
            break;
        }
    }
}

void StartupAutomation::onFinished()
{
    if (!m_watching)
        return;
    m_watching = false;
    m_done = true;
    m_exitCode = exitCodeFor(*m_session);
    if (m_options.savePath.isEmpty())
        finish();
    else
        saveTranscript(); // finish() when saved
}

void StartupAutomation::finish()
{
    if (m_options.quitOnClose)
        Q_EMIT quitRequested(m_exitCode);
}

// As in headless mode, a network failure stays the primary cause.
void StartupAutomation::saveFailed(const QString &message)
{
    qCWarning(lcUi).noquote() << message;
    report(message, true); // names the file
    if (m_exitCode == toInt(ExitCode::Success))
        m_exitCode = toInt(ExitCode::FileError);
    finish();
}

// In the background (TranscriptSaveJob): a large transcript never blocks
// the window; quitRequested() follows the save.
void StartupAutomation::saveTranscript()
{
    const std::shared_ptr<Transcript> transcript = m_session->transcript();
    const QString path = m_options.savePath;
    if (!transcript) {
        saveFailed(tr("Nothing to save to %1").arg(QDir::toNativeSeparators(path)));
        return;
    }
    auto *job = new TranscriptSaveJob(this);
    connect(job, &TranscriptSaveJob::finished, this,
            [this, job, transcript, path](bool ok, const QString &message, bool) {
                job->deleteLater();
                if (!ok) {
                    saveFailed(message);
                    return;
                }
                transcript->setModified(false);
                report(tr("Transcript saved to %1").arg(QDir::toNativeSeparators(path)), false);
                finish();
            });
    // parseCommandLine() sets the format whenever it sets the path.
    if (!job->start(transcript->snapshot(), *m_options.saveFormat, path)) {
        job->deleteLater();
        saveFailed(tr("Cannot save %1.").arg(QDir::toNativeSeparators(path)));
    }
}
