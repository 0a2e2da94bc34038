// Session: the TLS side (handshake, verification, STARTTLS). The rest of
// Session is in session.cpp.
#include "session.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <QSslSocket>

#include "logging.h"
#include "tlsconfig.h"
#include "tlsfiles.h"

namespace {

// Reads and drops everything the kernel holds for `fd` right now, without
// waiting. Returns the number of bytes dropped.
qint64 drainKernelBuffer(int fd)
{
    qint64 total = 0;
    int pending = 0;
    while (fd >= 0 && ::ioctl(fd, FIONREAD, &pending) == 0 && pending > 0) {
        char buffer[16 * 1024];
        const ssize_t n = ::recv(fd, buffer, qMin(sizeof buffer, size_t(pending)), MSG_DONTWAIT);
        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

QList<CertificateInfo> chainInfo(const QSslSocket &socket)
{
    QList<CertificateInfo> chain;
    for (const QSslCertificate &certificate : socket.peerCertificateChain())
        chain << CertificateInfo::from(certificate);
    return chain;
}

} // namespace

QSslSocket *Session::sslSocket() const
{
    return qobject_cast<QSslSocket *>(m_socket);
}

bool Session::isEncrypted() const
{
    return m_tlsEstablished && m_socket;
}

bool Session::startTls(QString *whyNot)
{
    QString reason;
    if (m_state != State::Connected || !m_socket)
        reason = tr("Cannot start TLS: not connected.");
    else if (m_tlsEstablished)
        reason = tr("Cannot start TLS: the connection is already encrypted.");
    else if (!sslSocket())
        reason = tr("Cannot start TLS: TLS needs a TCP connection.");
    if (!reason.isEmpty()) {
        if (whyNot)
            *whyNot = reason;
        return false;
    }
    m_idleTimer.stop();
    m_connectTimer.start(m_connectTimeoutMs); // bounds the handshake
    startHandshake(TlsStart::Upgrade);
    return true;
}

void Session::beginTlsPhase()
{
    if (m_activeOptions.tls.startTls != TlsSettings::StartTls::Smtp) {
        startHandshake(TlsStart::Direct);
        return;
    }
    const QHostAddress local = m_socket->localAddress();
    m_smtp = std::make_unique<SmtpStartTls>(
        SmtpStartTls::ehloNameFor(local.toString(), local.protocol() == QAbstractSocket::IPv6Protocol));
    m_transcript->appendEvent(TranscriptEvent::starttls(), tr("SMTP: EHLO, STARTTLS, then the TLS handshake"));
    // The server's greeting arrives through onReadyRead().
}

void Session::onSmtpReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    SmtpStartTls::Step step = m_smtp->feed(bytes);
    QList<QByteArray> replies;
    while (step.action == SmtpStartTls::Step::Action::Send) {
        replies << step.bytes;
        step = m_smtp->feed(QByteArray());
    }
    // What follows the server's final 220 is not part of the exchange: it is
    // discarded with the rest of the buffered plain text, never recorded as data.
    const qint64 leftover = step.action == SmtpStartTls::Step::Action::Upgrade ? qMin(step.leftover, bytes.size()) : 0;
    const QByteArray exchanged = bytes.left(bytes.size() - leftover);
    if (!exchanged.isEmpty()) {
        m_bytesReceived += exchanged.size();
        if (m_recordData)
            m_transcript->appendData(Transcript::Direction::Received, exchanged);
    }
    for (const QByteArray &reply : std::as_const(replies)) {
        if (m_socket->write(reply) != reply.size()) {
            fail(Error::TlsHandshakeFailed, tr("STARTTLS with %1 failed: %2")
                                                .arg(formatEndpoint(m_peerAddress, m_port), m_socket->errorString()));
            return;
        }
        if (m_recordData)
            m_transcript->appendData(Transcript::Direction::Sent, reply);
    }
    switch (step.action) {
    case SmtpStartTls::Step::Action::NeedMore:
    case SmtpStartTls::Step::Action::Send:
        return;
    case SmtpStartTls::Step::Action::Fail:
        fail(Error::TlsHandshakeFailed,
             tr("STARTTLS with %1 failed: %2").arg(formatEndpoint(m_peerAddress, m_port), step.message));
        return;
    case SmtpStartTls::Step::Action::Upgrade:
        m_smtp.reset();
        startHandshake(TlsStart::Upgrade, leftover);
        return;
    }
}

bool Session::startHandshake(TlsStart how, qint64 alreadyDiscarded)
{
    QSslSocket *socket = sslSocket();
    const QString endpoint = formatEndpoint(m_peerAddress, m_port);
    if (!socket) {
        fail(Error::TlsHandshakeFailed, tr("TLS with %1: not a TCP connection").arg(endpoint));
        return false;
    }
    // At an upgrade, plain text that arrived before the handshake starts, in
    // Qt's buffer or the kernel's, is not protected: it must never reach the
    // user as if it were. (With TLS from the start, whatever the peer sent
    // is left to the handshake, which then fails: not a TLS peer.)
    qint64 discarded = alreadyDiscarded;
    if (how == TlsStart::Upgrade) {
        discarded += socket->readAll().size();
        discarded += drainKernelBuffer(int(socket->socketDescriptor()));
    }
    // Encrypted bytes are Qt's to read, in chunks as large as plain ones.
    m_readsDirectly = false;
    socket->setReadBufferSize(readBufferSize);
    if (discarded > 0) {
        m_transcript->appendEvent(TranscriptEvent::plaintextDiscarded(),
                                  discarded == 1 ? tr("1 plain-text byte received before the TLS handshake discarded")
                                                 : tr("%1 plain-text bytes received before the TLS handshake discarded")
                                                       .arg(discarded));
    }
    if (!QSslSocket::supportsSsl()) {
        fail(Error::TlsHandshakeFailed, tr("TLS is not available: no TLS library (OpenSSL 3) was found"));
        return false;
    }
    TlsFiles::Material material;
    QString fileError;
    if (!TlsFiles::load(m_activeOptions.tls, &material, &fileError)) {
        fail(Error::TlsHandshakeFailed, tr("TLS with %1 not started: %2").arg(endpoint, fileError));
        return false;
    }
    socket->setSslConfiguration(TlsConfig::clientConfiguration(m_activeOptions.tls, material));
    // SNI and the name checked against the certificate: the host as the user
    // typed it, although the socket is connected to one of its addresses.
    socket->setPeerVerifyName(m_host);
    connect(socket, &QSslSocket::sslErrors, this, &Session::onSslErrors);
    connect(socket, &QSslSocket::encrypted, this, [this] {
        // Decided from the event loop, outside Qt's TLS code: finishing may
        // end the connection, and slots of our signals may delete us.
        const quint64 generation = m_generation;
        QTimer::singleShot(0, this, [this, generation] {
            if (generation == m_generation)
                finishHandshake();
        });
    });
    QString detail = tr("server name %1").arg(m_host);
    if (!m_activeOptions.tls.alpn.isEmpty())
        detail += tr(", ALPN %1").arg(m_activeOptions.tls.alpn.join(QLatin1Char(',')));
    m_transcript->appendEvent(TranscriptEvent::tlsStart(), detail);
    if (!setState(State::Handshaking))
        return false;
    qCDebug(lcSession) << "TLS handshake with" << endpoint << "as" << m_host;
    socket->startClientEncryption();
    return true;
}

void Session::onSslErrors(const QList<QSslError> &errors)
{
    QSslSocket *socket = sslSocket();
    if (m_state != State::Handshaking || !socket || sender() != socket)
        return;
    const TlsConfig::Verdict verdict = TlsConfig::judge(m_activeOptions.tls, errors, socket->peerCertificate());
    const QString words = TlsConfig::reasonsInWords(verdict.problems);
    switch (verdict.basis) {
    case TlsConfig::Verdict::Basis::Verified:
        return;
    case TlsConfig::Verdict::Basis::Pinned:
        socket->ignoreSslErrors();
        m_transcript->appendEvent(TranscriptEvent::tlsPinned(),
                                  tr("certificate SHA-256 %1 accepted as trusted; verification said: %2")
                                      .arg(TlsSettings::formatFingerprint(
                                               socket->peerCertificate().digest(QCryptographicHash::Sha256)),
                                           words));
        return;
    case TlsConfig::Verdict::Basis::Insecure:
        socket->ignoreSslErrors();
        m_transcript->appendEvent(TranscriptEvent::tlsUnverified(),
                                  tr("certificate accepted without verification; verification said: %1").arg(words));
        return;
    case TlsConfig::Verdict::Basis::Rejected:
        // Qt abandons the handshake when this returns and reports it
        // through errorOccurred: onHandshakeSocketError() ends the session.
        m_tlsProblems = verdict.problems;
        m_rejectedChain = chainInfo(*socket);
        return;
    }
}

void Session::finishHandshake()
{
    QSslSocket *socket = sslSocket();
    if (m_state != State::Handshaking || !socket || !socket->isEncrypted())
        return;
    const QString endpoint = formatEndpoint(m_peerAddress, m_port);
    // Pins decide also when verification passed: any other certificate is refused.
    if (!m_activeOptions.tls.pins.isEmpty()) {
        const TlsConfig::Verdict verdict = TlsConfig::judge(m_activeOptions.tls, {}, socket->peerCertificate());
        if (!verdict.accepted()) {
            m_tlsProblems = verdict.problems;
            m_rejectedChain = chainInfo(*socket);
            fail(Error::CertificateRejected, TlsConfig::rejectionMessage(endpoint, m_tlsProblems));
            return;
        }
    }
    m_connectTimer.stop();
    m_tlsEstablished = true;
    m_tlsDetails = TlsDetails::from(*socket);
    m_transcript->appendEvent(TranscriptEvent::tlsHandshake(), m_tlsDetails.summary());
    const quint64 generation = m_generation;
    Q_EMIT encrypted(m_tlsDetails);
    if (generation != m_generation || m_state != State::Handshaking)
        return;
    if (!setState(State::Connected))
        return;
    restartIdleTimer();
    // Data the peer sent right after the handshake waited for Connected.
    if (m_socket && m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void Session::onHandshakeSocketError(int socketError, const QString &socketMessage)
{
    const auto error = QAbstractSocket::SocketError(socketError);
    const QString endpoint = formatEndpoint(m_peerAddress, m_port);
    if (!m_tlsProblems.isEmpty()) {
        fail(Error::CertificateRejected, TlsConfig::rejectionMessage(endpoint, m_tlsProblems));
    } else if (m_smtp) {
        const QString why = error == QAbstractSocket::RemoteHostClosedError
            ? tr("the server closed the connection before the upgrade")
            : socketMessage;
        fail(Error::TlsHandshakeFailed, tr("STARTTLS with %1 failed: %2").arg(endpoint, why));
    } else {
        fail(Error::TlsHandshakeFailed, TlsConfig::handshakeFailureMessage(endpoint, error, socketMessage));
    }
}
