#include "headlessrunner.h"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFile>
#include <QSocketNotifier>

#include "demoserver.h"
#include "logging.h"
#include "requestcodec.h"
#include "transcriptio.h"

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const int savedErrno = errno;
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
    errno = savedErrno;
}

// Writes all of `bytes` to fd, retrying on EINTR and waiting out EAGAIN.
// Returns false with errno set when the fd fails (EPIPE for a closed pipe).
bool writeAll(int fd, const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                fd_set set;
                FD_ZERO(&set);
                FD_SET(fd, &set);
                ::select(fd + 1, nullptr, &set, nullptr, nullptr);
                continue;
            }
            return false;
        }
        data += n;
        size -= n;
    }
    return true;
}

} // namespace

HeadlessRunner::HeadlessRunner(const CommandLineOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_overallTimer.setSingleShot(true);
    connect(&m_overallTimer, &QTimer::timeout, this, [this] {
        diagnostic(tr("timed out after %1 ms").arg(m_options.timeoutMs));
        stopWith(ExitCode::TimedOut);
    });
    connect(&m_session, &Session::stateChanged, this, &HeadlessRunner::onStateChanged);
    connect(&m_session, &Session::received, this, &HeadlessRunner::onReceived);
    connect(&m_session, &Session::finished, this, &HeadlessRunner::onSessionFinished);
}

HeadlessRunner::~HeadlessRunner()
{
    if (m_signalNotifier) {
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::close(g_signalPipe[0]);
        ::close(g_signalPipe[1]);
        g_signalPipe[0] = g_signalPipe[1] = -1;
    }
}

void HeadlessRunner::setFileDescriptors(int in, int out, int err)
{
    m_in = in;
    m_out = out;
    m_err = err;
}

void HeadlessRunner::setPrintTranscript(bool print)
{
    m_printTranscript = print;
}

void HeadlessRunner::installSignalHandlers()
{
    ::signal(SIGPIPE, SIG_IGN); // a closed stdout shows up as EPIPE instead
    if (m_signalNotifier || ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    m_signalNotifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_signalNotifier, &QSocketNotifier::activated, this, &HeadlessRunner::onInterrupted);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

void HeadlessRunner::addRequest(const QByteArray &bytes)
{
    m_pending.append(bytes);
}

void HeadlessRunner::start()
{
    // Everything that can fail before connecting fails here, before any traffic.
    for (const CommandLineOptions::SendItem &item : std::as_const(m_options.sends)) {
        if (item.isFile) {
            QFile file(item.value);
            if (!file.open(QIODevice::ReadOnly)) {
                diagnostic(tr("cannot read %1: %2").arg(item.value, file.errorString()));
                QTimer::singleShot(0, this, [this] { end(ExitCode::FileError); });
                return;
            }
            m_pending.append(file.readAll());
        } else {
            const RequestCodec::Result result =
                RequestCodec::encodeTextVerbatim(item.value);
            if (!result.ok()) {
                diagnostic(tr("--send: %1").arg(result.error.toString()));
                QTimer::singleShot(0, this, [this] { end(ExitCode::UsageError); });
                return;
            }
            m_pending.append(result.bytes);
        }
    }

    m_session.setConnectTimeout(m_options.connectTimeoutMs);
    m_session.setIdleTimeout(m_options.idleMs);
    if (m_options.timeoutMs > 0)
        m_overallTimer.start(m_options.timeoutMs);
    m_session.connectToHost(m_options.host, m_options.port);
}

void HeadlessRunner::onStateChanged(Session::State state)
{
    if (state != Session::State::Connected)
        return;
    sendQueued();
    if (m_options.forwardStdin && !m_stdinNotifier) {
        m_stdinNotifier = new QSocketNotifier(m_in, QSocketNotifier::Read, this);
        connect(m_stdinNotifier, &QSocketNotifier::activated, this, &HeadlessRunner::onStdinReadable);
    }
}

void HeadlessRunner::sendQueued()
{
    for (const QByteArray &bytes : std::as_const(m_pending)) {
        QString whyNot;
        if (!m_session.send(bytes, &whyNot)) {
            diagnostic(whyNot);
            break;
        }
    }
    m_pending.clear();
}

void HeadlessRunner::onStdinReadable()
{
    char buffer[64 * 1024];
    const ssize_t n = ::read(m_in, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        // End of input: keep receiving until the peer closes (or a limit hits).
        m_stdinNotifier->setEnabled(false);
        return;
    }
    QString whyNot;
    if (!m_session.send(QByteArray(buffer, qsizetype(n)), &whyNot)) {
        diagnostic(whyNot);
        m_stdinNotifier->setEnabled(false);
    }
}

void HeadlessRunner::onReceived(const QByteArray &bytes)
{
    if (m_outputClosed || m_printTranscript)
        return;
    if (!writeAll(m_out, bytes.constData(), bytes.size())) {
        // A reader that went away (`| head`) is not an error: end quietly.
        m_outputClosed = true;
        if (errno != EPIPE)
            diagnostic(tr("cannot write to standard output: %1").arg(QString::fromLocal8Bit(strerror(errno))));
        QTimer::singleShot(0, this, [this] { stopWith(ExitCode::Success); });
    }
}

void HeadlessRunner::stopWith(ExitCode code)
{
    m_stopCode = code;
    if (m_session.isActive())
        m_session.abort(); // ends through onSessionFinished
    else
        end(code);
}

void HeadlessRunner::onSessionFinished(Session::EndReason reason)
{
    if (m_stopCode) {
        end(*m_stopCode);
        return;
    }
    if (reason == Session::EndReason::Error) {
        diagnostic(m_session.errorString());
        end(exitCodeForError(m_session.error()));
        return;
    }
    end(ExitCode::Success);
}

void HeadlessRunner::onInterrupted()
{
    char drain[16];
    while (::read(g_signalPipe[0], drain, sizeof drain) > 0) {
    }
    diagnostic(tr("interrupted"));
    stopWith(ExitCode::Interrupted);
}

ExitCode exitCodeForError(Session::Error error)
{
    switch (error) {
    case Session::Error::None:
        return ExitCode::Success;
    case Session::Error::HostNotFound:
        return ExitCode::HostNotFound;
    case Session::Error::ConnectionRefused:
    case Session::Error::NetworkUnreachable:
        return ExitCode::ConnectionRefused;
    case Session::Error::ConnectTimeout:
        return ExitCode::TimedOut;
    case Session::Error::ResetByPeer:
        return ExitCode::ResetByPeer;
    case Session::Error::SocketError:
        return ExitCode::SocketError;
    }
    return ExitCode::SocketError;
}

void HeadlessRunner::diagnostic(const QString &line)
{
    if (m_outputClosed)
        return;
    const QByteArray bytes = QStringLiteral("socketeer: %1\n").arg(line).toLocal8Bit();
    writeAll(m_err, bytes.constData(), bytes.size());
}

void HeadlessRunner::end(ExitCode code)
{
    if (m_ended)
        return;
    m_ended = true;
    m_overallTimer.stop();
    if (m_stdinNotifier)
        m_stdinNotifier->setEnabled(false);

    const std::shared_ptr<Transcript> transcript = m_session.transcript();
    if (m_printTranscript && transcript) {
        QFile out;
        if (out.open(m_out, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            QString error;
            TranscriptIO::write(*transcript, TranscriptIO::Format::Text, &out, &error);
        }
    }
    if (!m_options.savePath.isEmpty() && transcript && m_options.saveFormat) {
        QString error;
        if (!TranscriptIO::save(*transcript, *m_options.saveFormat, m_options.savePath, &error)) {
            diagnostic(error);
            // A network failure or an interruption stays the primary cause.
            if (code == ExitCode::Success)
                code = ExitCode::FileError;
        }
    }
    qCDebug(lcCli) << "exit" << toInt(code);
    const int exitCode = toInt(code);
    QTimer::singleShot(0, this, [this, exitCode] { Q_EMIT finished(exitCode); });
}

int runHeadless(int &argc, char **argv, const CommandLineOptions &options)
{
    QCoreApplication app(argc, argv);
    HeadlessRunner runner(options);
    runner.installSignalHandlers();
    QObject::connect(&runner, &HeadlessRunner::finished, &app, &QCoreApplication::exit);
    runner.start();
    return app.exec();
}

int runHeadlessDemo(int &argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DemoServer server;
    if (!server.start()) {
        const QByteArray message = QStringLiteral("socketeer: cannot start the demo server: %1\n")
                                       .arg(server.errorString())
                                       .toLocal8Bit();
        writeAll(2, message.constData(), message.size());
        return toInt(ExitCode::SocketError);
    }
    CommandLineOptions options;
    options.action = CommandLineOptions::Action::Headless;
    options.host = server.address().toString();
    options.port = server.port();
    options.idleMs = 0;
    HeadlessRunner runner(options);
    runner.installSignalHandlers();
    runner.setPrintTranscript(true);
    const QString request = RequestCodec::presetText(RequestCodec::Preset::Http11GetClose, options.host, options.port);
    runner.addRequest(RequestCodec::encode(request, RequestCodec::Mode::Text, RequestCodec::LineEnding::CRLF).bytes);
    QObject::connect(&runner, &HeadlessRunner::finished, &app, &QCoreApplication::exit);
    runner.start();
    return app.exec();
}
