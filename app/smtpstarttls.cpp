#include "smtpstarttls.h"

#include <cctype>

#include <QList>

namespace {

QString quotedLine(const QByteArray &line)
{
    QString text;
    for (const char c : line)
        text += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QChar(u'?');
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace

SmtpStartTls::SmtpStartTls(const QString &ehloName)
    : m_ehloName(ehloName.toLatin1())
{
}

QString SmtpStartTls::ehloNameFor(const QString &localAddress, bool ipv6)
{
    return ipv6 ? QStringLiteral("[IPv6:%1]").arg(localAddress) : QStringLiteral("[%1]").arg(localAddress);
}

SmtpStartTls::Step SmtpStartTls::fail(const QString &message)
{
    m_phase = Phase::Failed;
    m_last = Step();
    m_last.action = Step::Action::Fail;
    m_last.message = message;
    return m_last;
}

SmtpStartTls::Step SmtpStartTls::feed(const QByteArray &bytes)
{
    if (isFinished())
        return m_last;
    m_buffer += bytes;
    Step step;
    qsizetype replySize = 0;
    for (const QByteArray &line : std::as_const(m_replyLines))
        replySize += line.size() + 2;
    while (true) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline < 0) {
            if (m_buffer.size() > maxLineLength)
                return fail(QStringLiteral("the SMTP server sent a line longer than %1 bytes").arg(maxLineLength));
            return step;
        }
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > maxLineLength)
            return fail(QStringLiteral("the SMTP server sent a line longer than %1 bytes").arg(maxLineLength));
        replySize += line.size() + 2;
        if (replySize > maxReplyLength)
            return fail(QStringLiteral("the SMTP server sent a reply longer than %1 bytes").arg(maxReplyLength));
        // "250-..." continues a reply, "250 ..." or "250" ends it.
        const bool wellFormed = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0]))
            && std::isdigit(static_cast<unsigned char>(line[1])) && std::isdigit(static_cast<unsigned char>(line[2]))
            && (line.size() == 3 || line[3] == ' ' || line[3] == '-');
        if (!wellFormed)
            return fail(QStringLiteral("the peer does not speak SMTP: it sent %1").arg(quotedLine(line.left(80))));
        m_replyLines << line;
        if (line.size() > 3 && line[3] == '-')
            continue;
        const int code = line.left(3).toInt();
        for (const QByteArray &earlier : std::as_const(m_replyLines)) {
            if (earlier.left(3) != line.left(3))
                return fail(QStringLiteral("the SMTP server sent a malformed reply: %1").arg(quotedLine(earlier.left(80))));
        }
        const QList<QByteArray> lines = m_replyLines;
        m_replyLines.clear();
        replySize = 0;
        step = onReply(code, lines, m_buffer.size());
        if (step.action != Step::Action::NeedMore)
            return step;
    }
}

SmtpStartTls::Step SmtpStartTls::onReply(int code, const QList<QByteArray> &lines, qsizetype rest)
{
    Step step;
    switch (m_phase) {
    case Phase::Greeting:
        if (code != 220)
            return fail(QStringLiteral("the SMTP server refused the session: %1").arg(quotedLine(lines.constLast())));
        m_phase = Phase::Ehlo;
        step.action = Step::Action::Send;
        step.bytes = "EHLO " + m_ehloName + "\r\n";
        return step;
    case Phase::Ehlo: {
        if (code != 250)
            return fail(QStringLiteral("the SMTP server refused EHLO: %1").arg(quotedLine(lines.constLast())));
        bool offered = false;
        // The first line is the greeting; each further line names one extension.
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray keyword = lines.at(i).mid(4).trimmed().split(' ').constFirst().toUpper();
            offered |= keyword == "STARTTLS";
        }
        if (!offered)
            return fail(QStringLiteral("the SMTP server does not offer STARTTLS"));
        m_phase = Phase::StartTls;
        step.action = Step::Action::Send;
        step.bytes = QByteArrayLiteral("STARTTLS\r\n");
        return step;
    }
    case Phase::StartTls:
        if (code != 220)
            return fail(QStringLiteral("the SMTP server refused STARTTLS: %1").arg(quotedLine(lines.constLast())));
        m_phase = Phase::Done;
        m_last = Step();
        m_last.action = Step::Action::Upgrade;
        m_last.leftover = rest;
        m_buffer.clear();
        return m_last;
    case Phase::Done:
    case Phase::Failed:
        break;
    }
    return m_last;
}
