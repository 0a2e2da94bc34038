#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// The client side of SMTP's STARTTLS exchange (RFC 3207), as a state
// machine without a socket: the session feeds it what the server sends and
// does what it answers. Like `openssl s_client -starttls smtp`:
//
//   server: 220 greeting        client: EHLO <name>
//   server: 250 ... STARTTLS    client: STARTTLS
//   server: 220 ...             -> upgrade: start the TLS handshake
//
// Multi-line replies ("250-...") are read to their last line. Anything the
// server sends after the final 220 line is left unconsumed (see
// Step::leftover): it arrived in plain text and must be discarded, never
// taken as part of the protected stream.
class SmtpStartTls
{
public:
    struct Step {
        enum class Action {
            NeedMore, // wait for more bytes from the server
            Send,     // send `bytes`, then wait for more
            Upgrade,  // start TLS now; `leftover` bytes after the 220 line must be discarded
            Fail,     // give up: `message` says why (for the user)
        };
        Action action = Action::NeedMore;
        QByteArray bytes;
        qsizetype leftover = 0;
        QString message;
    };

    // Longest reply line accepted (RFC 5321 allows 512 octets; servers send more).
    static constexpr qsizetype maxLineLength = 4096;
    // Longest whole reply accepted.
    static constexpr qsizetype maxReplyLength = 64 * 1024;

    // `ehloName` is what follows EHLO: a domain, or an address literal such
    // as "[127.0.0.1]" or "[IPv6:::1]" (see ehloNameFor()).
    explicit SmtpStartTls(const QString &ehloName);

    // Takes bytes received from the server, in order. After Upgrade or Fail,
    // further calls return the same step.
    Step feed(const QByteArray &bytes);
    bool isFinished() const { return m_phase == Phase::Done || m_phase == Phase::Failed; }

    // "[127.0.0.1]" or "[IPv6:::1]" for the local address the connection uses.
    static QString ehloNameFor(const QString &localAddress, bool ipv6);

private:
    enum class Phase { Greeting, Ehlo, StartTls, Done, Failed };
    Step fail(const QString &message);
    // Handles one complete reply (its lines, without CRLF); `rest` bytes follow it.
    Step onReply(int code, const QList<QByteArray> &lines, qsizetype rest);

    Phase m_phase = Phase::Greeting;
    QByteArray m_ehloName;
    QByteArray m_buffer;
    QList<QByteArray> m_replyLines;
    Step m_last;
};
