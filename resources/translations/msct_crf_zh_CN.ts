<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountDialogs</name>
    <message>
        <location filename="../../ui/admin/account_prompts.py" line="29"/>
        <source>Change role</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <location filename="../../ui/admin/account_prompts.py" line="30"/>
        <source>New role of {user}:</source>
        <translation>{user} 的新角色：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/account_prompts.py" line="41"/>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/account_prompts.py" line="42"/>
        <source>New password for {user} (tell them to change it at first login):</source>
        <translation>{user} 的新密码（请告知其首次登录后修改）：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/account_prompts.py" line="53"/>
        <source>Reason (optional, audited):</source>
        <translation>原因（可选，记入稽查轨迹）：</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <location filename="../../ui/review/answer_query_dialog.py" line="44"/>
        <source>Answer query #{id}</source>
        <translation>回复质疑 #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/review/answer_query_dialog.py" line="53"/>
        <source>New value of {field} in SI units (leave empty to keep it)</source>
        <translation>{field} 的新值（国际单位；留空则保持不变）</translation>
    </message>
    <message>
        <location filename="../../ui/review/answer_query_dialog.py" line="65"/>
        <source>Answer:</source>
        <translation>回复：</translation>
    </message>
    <message>
        <location filename="../../ui/review/answer_query_dialog.py" line="67"/>
        <source>Corrected value:</source>
        <translation>更正值：</translation>
    </message>
    <message>
        <location filename="../../ui/review/answer_query_dialog.py" line="75"/>
        <source>Answer</source>
        <translation>回复</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <location filename="../../ui/models/audit_table.py" line="98"/>
        <source>When (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="100"/>
        <source>Who</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="101"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="102"/>
        <source>Subject</source>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="103"/>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="104"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="105"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="107"/>
        <source>Old → new</source>
        <translation>原值 → 新值</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="109"/>
        <source>Why</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>AuditViewer</name>
    <message>
        <location filename="../../ui/models/audit_table.py" line="29"/>
        <source>created</source>
        <extracomment>Custom role: the row&apos;s AuditRow.</extracomment>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="30"/>
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="31"/>
        <source>deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="32"/>
        <source>verified</source>
        <translation>已核查</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="33"/>
        <source>signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="34"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="35"/>
        <source>unlocked</source>
        <translation>已解锁</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="36"/>
        <source>logged in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="37"/>
        <source>login failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="38"/>
        <source>logged out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="39"/>
        <source>exported</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="40"/>
        <source>query raised</source>
        <translation>提出质疑</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="41"/>
        <source>query answered</source>
        <translation>回复质疑</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="42"/>
        <source>query closed</source>
        <translation>关闭质疑</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="43"/>
        <source>account changed</source>
        <translation>账户变更</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="44"/>
        <source>setting changed</source>
        <translation>设置变更</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="45"/>
        <source>warning confirmed</source>
        <translation>确认警告</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="46"/>
        <source>typed in conventional units</source>
        <translation>以常用单位录入</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="47"/>
        <source>backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="48"/>
        <source>restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="57"/>
        <source>Query</source>
        <translation>质疑</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="58"/>
        <source>User account</source>
        <translation>用户账户</translation>
    </message>
    <message>
        <location filename="../../ui/models/audit_table.py" line="59"/>
        <source>Study setting</source>
        <translation>研究设置</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="72"/>
        <source>Subject:</source>
        <extracomment>How many of the newest rows the viewer reads at most (the status line says when cut). The filter boxes: key -&gt; column filtered.</extracomment>
        <translation>受试者：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="73"/>
        <source>Form:</source>
        <translation>表单：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="74"/>
        <source>Field:</source>
        <translation>字段：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="75"/>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="76"/>
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="77"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="81"/>
        <source>e.g. Visit or VIS</source>
        <translation>例如 访视 或 VIS</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="82"/>
        <source>e.g. bilirubin or TBIL</source>
        <translation>例如 胆红素 或 TBIL</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="84"/>
        <source>e.g. changed, signed</source>
        <translation>例如 changed、signed</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="112"/>
        <source>Re&amp;load</source>
        <translation>重新加载(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="133"/>
        <source>Reading the audit trail…</source>
        <translation>正在读取稽查轨迹…</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="163"/>
        <source>Cannot read the audit trail: {error}</source>
        <translation>无法读取稽查轨迹：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="169"/>
        <source>{shown} of {total} audit rows shown, newest first</source>
        <translation>显示 {shown} / {total} 条稽查记录，最新的在前</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer.py" line="173"/>
        <source>(only the newest {n} were read)</source>
        <translation>（只读取了最新的 {n} 条）</translation>
    </message>
</context>
<context>
    <name>AuditViewerDialog</name>
    <message>
        <location filename="../../ui/review/audit_viewer_dialog.py" line="26"/>
        <source>Audit trail of {subject}</source>
        <translation>{subject} 的稽查轨迹</translation>
    </message>
    <message>
        <location filename="../../ui/review/audit_viewer_dialog.py" line="28"/>
        <source>Audit trail</source>
        <translation>稽查轨迹</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="46"/>
        <source>Restore a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="81"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="98"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="98"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="98"/>
        <source>Verified</source>
        <translation>已校验</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="98"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="110"/>
        <source>&amp;Back up now</source>
        <translation>立即备份(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="113"/>
        <source>&amp;Restore selected…</source>
        <translation>恢复所选备份(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="145"/>
        <source>Only an SQLite study file can be backed up here.</source>
        <translation>此处只能备份 SQLite 研究数据库文件。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="150"/>
        <source>Backups of {0} in {1} (the newest {2} are kept).</source>
        <translation>{0} 的备份位于 {1}（保留最新的 {2} 份）。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="161"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="161"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="244"/>
        <source>Backup written and verified: {0} ({1}).</source>
        <translation>备份已写入并校验：{0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="250"/>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="252"/>
        <source>Writing and verifying the backup…</source>
        <translation>正在写入并校验备份…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="265"/>
        <source>Replace the open database with the backup of {0}?

Everything entered after that time will no longer be in the study. The current file is kept beside it as {1}.before-restore-&lt;time&gt;.db, so nothing is deleted.</source>
        <translation>用 {0} 的备份替换当前打开的数据库吗？

该时间之后录入的所有内容将不再属于本研究。当前文件会保留在旁边，名为 {1}.before-restore-&lt;time&gt;.db，因此不会删除任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="270"/>
        <source>Restore cancelled.</source>
        <translation>已取消恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="281"/>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="283"/>
        <source>Restored from {0}. The previous database is kept as {1}.</source>
        <translation>已从 {0} 恢复。原数据库保留为 {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="289"/>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="290"/>
        <source>Checking and restoring the backup…</source>
        <translation>正在检查并恢复备份…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="325"/>
        <location filename="../../ui/shell/menus.py" line="194"/>
        <source>Back &amp;up now</source>
        <translation>立即备份(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/backup_dialog.py" line="328"/>
        <location filename="../../ui/shell/menus.py" line="195"/>
        <source>&amp;Backups…</source>
        <translation>备份(&amp;B)…</translation>
    </message>
</context>
<context>
    <name>CasebookActions</name>
    <message>
        <location filename="../../ui/shell/casebook_actions.py" line="91"/>
        <source>Open a subject&apos;s saved form first: Print and Save as PDF work on the form shown.</source>
        <translation>请先打开受试者已保存的表单：打印和另存为 PDF 针对当前显示的表单。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/casebook_actions.py" line="93"/>
        <source>No form shown</source>
        <translation>未显示表单</translation>
    </message>
</context>
<context>
    <name>CasebookDialog</name>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="141"/>
        <source>Casebook (PDF)</source>
        <translation>病例报告（PDF）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="142"/>
        <source>Casebook of {subject}: every form, signature and query</source>
        <translation>{subject} 的病例报告：全部表单、签名和质疑</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="144"/>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="145"/>
        <source>The current form of {subject} as a PDF</source>
        <translation>将 {subject} 的当前表单存为 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="147"/>
        <source>PDF file:</source>
        <translation>PDF 文件：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="148"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="149"/>
        <source>Units:</source>
        <translation>单位：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="150"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="151"/>
        <source>Write PDF</source>
        <translation>生成 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="152"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="153"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="154"/>
        <source>Include identifying fields (hospital number)</source>
        <translation>包含身份识别字段（住院号）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="157"/>
        <source>SI (as stored)</source>
        <translation>国际单位（按存储值）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="158"/>
        <source>Conventional</source>
        <translation>常规单位</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="220"/>
        <source>Writing the PDF…</source>
        <translation>正在生成 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="232"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="238"/>
        <source>Save the PDF as</source>
        <translation>PDF 另存为</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="238"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="258"/>
        <source>Wrote {records} records on {pages} pages to {path}</source>
        <translation>已将 {records} 条记录（共 {pages} 页）写入 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="268"/>
        <source>Cancelled; no file was written.</source>
        <translation>已取消，未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/casebook_dialog.py" line="274"/>
        <source>The PDF could not be made: {error}</source>
        <translation>无法生成 PDF：{error}</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="21"/>
        <location filename="../../ui/admin/change_password_dialog.py" line="45"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="34"/>
        <source>Account: {name}</source>
        <translation>账户：{name}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="38"/>
        <source>Current password:</source>
        <translation>当前密码：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="40"/>
        <source>New password (at least {n} characters):</source>
        <translation>新密码（至少 {n} 个字符）：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="43"/>
        <source>Repeat the new password:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="53"/>
        <source>Single-user mode has no passwords.</source>
        <translation>单用户模式没有密码。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/change_password_dialog.py" line="56"/>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
</context>
<context>
    <name>DatabaseGuard</name>
    <message>
        <location filename="../../ui/shell/database_guard.py" line="43"/>
        <source>Database in use</source>
        <translation>数据库正在使用</translation>
    </message>
    <message>
        <location filename="../../ui/shell/database_guard.py" line="51"/>
        <source>Database on a network drive</source>
        <translation>数据库位于网络驱动器</translation>
    </message>
    <message>
        <location filename="../../ui/shell/database_guard.py" line="69"/>
        <source>Automatic backup failed: {0}</source>
        <translation>自动备份失败：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/database_guard.py" line="74"/>
        <source>Backed up to {0}</source>
        <translation>已备份到 {0}</translation>
    </message>
</context>
<context>
    <name>DatabaseVerifier</name>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="46"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="42"/>
        <source>Only SQLite study files can be verified here.</source>
        <translation>此处只能校验 SQLite 研究文件。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="65"/>
        <source>The database FAILED verification:</source>
        <translation>数据库校验未通过：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="68"/>
        <source>The database passed every check:</source>
        <translation>数据库通过了全部检查：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="74"/>
        <source>Verification cancelled.</source>
        <translation>校验已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="39"/>
        <source>Verify database</source>
        <translation>校验数据库</translation>
    </message>
    <message>
        <location filename="../../ui/shell/verify_database.py" line="46"/>
        <source>Verifying the database…</source>
        <translation>正在校验数据库…</translation>
    </message>
</context>
<context>
    <name>DateLineEdit</name>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="45"/>
        <source>Pick a date from the calendar</source>
        <translation>从日历中选择日期</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="70"/>
        <source>YYYY-MM-DD HH:MM</source>
        <translation>年-月-日 时:分</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="72"/>
        <source>YYYY[-MM[-DD]]</source>
        <translation>年[-月[-日]]</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="73"/>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
</context>
<context>
    <name>EditConflict</name>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="40"/>
        <source>Not answered: record #{id} of {subject} was deleted by {user} at {when} (UTC) since you began the answer. Your answer is still here.</source>
        <translation>未回复：自您开始回复后，{subject} 的记录 #{id} 已于 {when}（UTC）被 {user} 删除。您的回复内容仍保留在此。</translation>
    </message>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="50"/>
        <source>Not answered: record #{id} of {subject} was changed by {user} at {when} (UTC) since you began the answer, so the correction could be out of date. Nothing was saved; your answer is still here: look at the record, then answer again.</source>
        <translation>未回复：自您开始回复后，{subject} 的记录 #{id} 已于 {when}（UTC）被 {user} 修改，您的更正可能已过时。未保存任何内容；您的回复内容仍保留在此：请先查看该记录，再重新回复。</translation>
    </message>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="64"/>
        <source>Not deleted: record #{id} was already deleted by {user} at {when} (UTC).</source>
        <translation>未删除：记录 #{id} 已于 {when}（UTC）被 {user} 删除。</translation>
    </message>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="68"/>
        <source>Not deleted: record #{id} was changed by {user} at {when} (UTC) since you opened it. Look at their change first; nothing was deleted.</source>
        <translation>未删除：自您打开后，记录 #{id} 已于 {when}（UTC）被 {user} 修改。请先查看其修改；未删除任何内容。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="312"/>
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="314"/>
        <source>Forms (long sheets):</source>
        <translation>表单（长格式工作表）：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="315"/>
        <source>Sites:</source>
        <translation>研究中心：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="316"/>
        <source>Subjects:</source>
        <translation>受试者：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="317"/>
        <source>Records dated:</source>
        <translation>记录日期：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="318"/>
        <source>Labels:</source>
        <translation>标签语言：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="319"/>
        <source>Units:</source>
        <translation>单位：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="320"/>
        <source>Audit trail:</source>
        <translation>稽查轨迹：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="321"/>
        <source>Identifying fields:</source>
        <translation>身份识别字段：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="322"/>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="324"/>
        <source>Interchange:</source>
        <translation>数据交换：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="328"/>
        <source>All subjects, or IDs such as GZH-001, GZH-002</source>
        <translation>全部受试者，或输入编号，如 GZH-001, GZH-002</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="329"/>
        <source>&amp;from</source>
        <translation>从(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="330"/>
        <source>&amp;to</source>
        <translation>至(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="333"/>
        <source>Include the &amp;audit trail sheet (for monitors)</source>
        <translation>包含稽查轨迹工作表（供监查员使用）(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="334"/>
        <source>Include &amp;identifying fields (hospital number)</source>
        <translation>包含身份识别字段（住院号）(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="335"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="336"/>
        <source>Also write a &amp;REDCap import bundle to the folder</source>
        <translation>同时将 REDCap 导入包写入文件夹(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="337"/>
        <source>Choose fol&amp;der…</source>
        <translation>选择文件夹(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="338"/>
        <source>CDISC OD&amp;M 1.3.2 (XML)</source>
        <translation>CDISC ODM 1.3.2（XML）(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="339"/>
        <source>Bro&amp;wse…</source>
        <translation>浏览(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="340"/>
        <source>With every c&amp;hange (Transactional file)</source>
        <translation>包含每次修改（事务型文件）(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="341"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="342"/>
        <source>&amp;Cancel export</source>
        <translation>取消导出(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="343"/>
        <source>&amp;Open folder</source>
        <translation>打开文件夹(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="344"/>
        <source>C&amp;lose</source>
        <translation>关闭(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="331"/>
        <source>SI (as stored)</source>
        <translation>国际单位（按存储）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="332"/>
        <source>Conventional (mg/dL, g/dL)</source>
        <translation>常规单位（mg/dL、g/dL）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="389"/>
        <source>Choose at least one form to export.</source>
        <translation>请至少选择一个要导出的表单。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="392"/>
        <source>Choose at least one site to export.</source>
        <translation>请至少选择一个要导出的研究中心。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="416"/>
        <source>Save the export as</source>
        <translation>导出文件另存为</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="416"/>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="448"/>
        <source>Save the ODM file as</source>
        <translation>ODM 文件另存为</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="450"/>
        <source>ODM XML (*.xml)</source>
        <translation>ODM XML（*.xml）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="522"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="570"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="595"/>
        <source>Exported {subjects} subjects to {path}</source>
        <translation>已将 {subjects} 名受试者导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="603"/>
        <source>The ODM file was not written: {error}</source>
        <translation>未写入 ODM 文件：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="605"/>
        <source>CDISC ODM file: {path}</source>
        <translation>CDISC ODM 文件：{path}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="615"/>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="621"/>
        <source>The export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="666"/>
        <location filename="../../ui/shell/menus.py" line="193"/>
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="323"/>
        <source>REDCap:</source>
        <translation>REDCap：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="427"/>
        <source>Folder for the REDCap import bundle</source>
        <translation>REDCap 导入包的文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/admin/export_dialog.py" line="600"/>
        <source>REDCap import bundle (upload steps in its README.txt): {folder}</source>
        <translation>REDCap 导入包（上传步骤见其中的 README.txt）：{folder}</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="150"/>
        <location filename="../../ui/forms/field_editor.py" line="239"/>
        <source>Clear missing-data code</source>
        <translation>清除缺失数据代码</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="154"/>
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="338"/>
        <source>Missing-data code: {code} ({label})</source>
        <translation>缺失数据代码：{code}（{label}）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="347"/>
        <source>Set a missing-data code: ND not done, UNK unknown, NA not applicable</source>
        <translation>设置缺失数据代码：ND 未检测，UNK 不详，NA 不适用</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="299"/>
        <source>years</source>
        <translation>岁</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="300"/>
        <source>ratio</source>
        <translation>比值</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="301"/>
        <source>min</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="302"/>
        <source>/min</source>
        <translation>次/分</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="303"/>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="304"/>
        <source>x10^6 cells/kg</source>
        <translation>x10^6 细胞/kg</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="62"/>
        <source>No changes</source>
        <translation>无更改</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="33"/>
        <location filename="../../ui/forms/form_body.py" line="50"/>
        <source>Subject</source>
        <extracomment>Derived fields shown read-only on the form (the visit&apos;s scores live in the score panel). Fields laid out in two columns (lab values).</extracomment>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="34"/>
        <location filename="../../ui/forms/form_body.py" line="51"/>
        <source>Cirrhosis</source>
        <translation>肝硬化</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="36"/>
        <location filename="../../ui/forms/form_body.py" line="52"/>
        <source>Eligibility</source>
        <translation>入选/排除标准</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="37"/>
        <location filename="../../ui/forms/form_body.py" line="53"/>
        <source>Infusion</source>
        <translation>输注</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="39"/>
        <location filename="../../ui/forms/form_body.py" line="54"/>
        <source>Visit</source>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="40"/>
        <location filename="../../ui/forms/form_body.py" line="55"/>
        <source>Laboratory</source>
        <translation>实验室检查</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="42"/>
        <location filename="../../ui/forms/form_body.py" line="56"/>
        <source>Clinical status</source>
        <translation>临床状态</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="166"/>
        <source>Conventional units (mg/dL, g/dL)</source>
        <extracomment>At most this much of the window is kept for the form beside the score panel.</extracomment>
        <translation>常规单位（mg/dL、g/dL）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_body.py" line="57"/>
        <location filename="../../ui/forms/form_body.py" line="95"/>
        <source>Vital signs</source>
        <translation>生命体征</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="167"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="168"/>
        <location filename="../../ui/forms/form_page.py" line="453"/>
        <source>Save this form (Ctrl+S)</source>
        <translation>保存此表单（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="256"/>
        <source>Cannot read the database: {error}</source>
        <translation>无法读取数据库：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="291"/>
        <source>Read only: this file was opened read-only.</source>
        <translation>只读：此文件以只读方式打开。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="296"/>
        <source>Read only: {user} ({role}) may not enter or change study data.</source>
        <translation>只读：{user}（{role}）无权录入或修改研究数据。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="362"/>
        <source>This form cannot be edited here.</source>
        <translation>此表单不能在此编辑。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="365"/>
        <source>Choose a subject first.</source>
        <translation>请先选择受试者。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="370"/>
        <source>Not saved: correct the {n} error(s) marked in red.</source>
        <translation>未保存：请更正红色标出的 {n} 处错误。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="180"/>
        <source>Not saved: warnings were not confirmed.</source>
        <translation>未保存：警告未确认。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="188"/>
        <source>Not saved: a reason for the change is required.</source>
        <translation>未保存：修改需要填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="60"/>
        <source>Saved.</source>
        <extracomment>How often one press of Save asks the core: a first try, then after each answer given.</extracomment>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="98"/>
        <source>Most values are empty</source>
        <extracomment>Fields that only say which visit this is: a visit with nothing else is still empty.</extracomment>
        <translation>大部分数值为空</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="100"/>
        <source>Most values of this visit are empty. Save it as a draft, to be completed later?</source>
        <translation>本次访视的大部分数值为空。是否保存为草稿，稍后补全？</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="106"/>
        <source>Save as &amp;draft</source>
        <translation>保存为草稿(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="109"/>
        <source>Save as &amp;complete</source>
        <translation>保存为已完成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/save_controller.py" line="208"/>
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="455"/>
        <source>Correct the errors marked in red first</source>
        <translation>请先更正红色标出的错误</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="479"/>
        <source>{n} error(s) to correct before saving.</source>
        <translation>保存前需更正 {n} 处错误。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="486"/>
        <source>{n} unusual value(s): you will be asked to confirm at save.</source>
        <translation>{n} 个异常值：保存时将要求确认。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="381"/>
        <location filename="../../ui/forms/form_page.py" line="504"/>
        <source>Not saved.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="482"/>
        <source>{n} unusual value(s), marked in amber.</source>
        <translation>{n} 个异常值，已用琥珀色标出。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="575"/>
        <source>Not saved: {user} ({role}) may not enter or change study data.</source>
        <translation>未保存：{user}（{role}）无权录入或修改研究数据。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="614"/>
        <source>New subject (the ID is assigned when saved)</source>
        <translation>新受试者（保存时分配编号）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="616"/>
        <source>No subject chosen</source>
        <translation>未选择受试者</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="617"/>
        <source>New record for {subject}</source>
        <translation>{subject} 的新记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="618"/>
        <source>{subject} · {status} · last saved {when} by {user}</source>
        <translation>{subject} · {status} · 最后由 {user} 于 {when} 保存</translation>
    </message>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="24"/>
        <source>Not saved: this record was deleted by {user} at {when} (UTC) since you opened it. What you typed is still on the form.</source>
        <translation>未保存：自您打开后，此记录已于 {when}（UTC）被 {user} 删除。您输入的内容仍保留在表单上。</translation>
    </message>
    <message>
        <location filename="../../ui/common/edit_conflicts.py" line="29"/>
        <source>Not saved: this record was changed by {user} at {when} (UTC) since you opened it. Reload to see their change; what you typed is still on the form.</source>
        <translation>未保存：自您打开后，此记录已于 {when}（UTC）被 {user} 修改。请重新加载以查看其修改；您输入的内容仍保留在表单上。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="572"/>
        <source>Read only: the coordinating centre&apos;s database holds the sites&apos; data; only the site changes it (raise a query).</source>
        <translation>只读：协调中心数据库保存各中心的数据，只有该中心可以修改（请提出质疑）。</translation>
    </message>
</context>
<context>
    <name>FormPrinter</name>
    <message>
        <location filename="../../ui/admin/print_form.py" line="129"/>
        <source>Preparing the pages…</source>
        <extracomment>The most pixels per inch a page is rendered at: sharp on paper, and a page stays some 35 MB of image however fine the printer.</extracomment>
        <translation>正在准备页面…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/print_form.py" line="129"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/admin/print_form.py" line="131"/>
        <location filename="../../ui/admin/print_form.py" line="169"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
</context>
<context>
    <name>IdleLockDialog</name>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="21"/>
        <source>Idle lock</source>
        <translation>空闲锁定</translation>
    </message>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="28"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="37"/>
        <source>After this time without keyboard or mouse input the window is hidden and the password is asked again; unsaved input is kept. Applies to everyone using this study database.</source>
        <translation>在这段时间内没有键盘或鼠标操作时，窗口将被隐藏并要求重新输入密码；未保存的输入会被保留。此设置适用于使用该研究数据库的所有人。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="45"/>
        <source>Lock after:</source>
        <translation>锁定时间：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="47"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/admin/idle_lock_dialog.py" line="53"/>
        <source>Only an administrator can change the idle lock time.</source>
        <translation>只有管理员可以修改空闲锁定时间。</translation>
    </message>
</context>
<context>
    <name>ImportReturnDialog</name>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="45"/>
        <source>Import from coordinating centre</source>
        <translation>从协调中心导入</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="50"/>
        <source>Return package (.msctret)</source>
        <translation>返回数据包（.msctret）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="52"/>
        <source>&amp;Choose…</source>
        <translation>选择(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="55"/>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="73"/>
        <source>Importing the centre&apos;s queries needs an account that may raise queries.</source>
        <translation>导入协调中心的质疑需要有权提出质疑的账户。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="93"/>
        <source>Return package</source>
        <translation>返回数据包</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="93"/>
        <source>Return packages (*.msctret)</source>
        <translation>返回数据包 (*.msctret)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="110"/>
        <source>{name}: already imported.</source>
        <translation>{name}：已导入。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="112"/>
        <source>{name}: {n} queries from the coordinating centre.</source>
        <translation>{name}：来自协调中心的 {n} 条质疑。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="117"/>
        <source>This site now accepts return packages signed with the centre&apos;s key {fingerprint} only. Check with the centre that msct-crf central status shows the same fingerprint before answering.</source>
        <translation>本中心今后只接受由协调中心密钥 {fingerprint} 签名的返回包。回复质疑前，请与协调中心核对 msct-crf central status 显示的指纹是否相同。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="130"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/import_return_dialog.py" line="149"/>
        <location filename="../../ui/shell/menus.py" line="197"/>
        <source>Import from coordinating centre…</source>
        <translation>从协调中心导入…</translation>
    </message>
</context>
<context>
    <name>InstanceLock</name>
    <message>
        <location filename="../../ui/shell/instance_lock.py" line="96"/>
        <source>The database {0} cannot be opened for writing: its folder is read-only, so MSC-CRF cannot make sure no other window is changing it.</source>
        <translation>无法以写入方式打开数据库 {0}：其所在文件夹为只读，MSC-CRF 无法确认没有其他窗口正在修改它。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/instance_lock.py" line="101"/>
        <source>The database {0} is already open in another MSC-CRF window. Close it there first.</source>
        <translation>数据库 {0} 已在另一个 MSC-CRF 窗口中打开。请先在那里关闭它。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/instance_lock.py" line="105"/>
        <source>The database {0} is already open in MSC-CRF (process {1} on computer {2}). Close it there first; if that computer crashed, delete the lock file {3} and open it again.</source>
        <translation>数据库 {0} 已在 MSC-CRF 中打开（计算机 {2} 上的进程 {1}）。请先在那里关闭它；如果那台计算机已崩溃，请删除锁文件 {3} 后重新打开。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/common/labels.py" line="24"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="25"/>
        <source>out of window</source>
        <translation>超窗</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="26"/>
        <source>due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="27"/>
        <source>upcoming</source>
        <translation>未到期</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="28"/>
        <source>overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="29"/>
        <source>missed</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="30"/>
        <source>not expected</source>
        <translation>不再需要</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="31"/>
        <source>not scheduled</source>
        <translation>未排期</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="39"/>
        <source>active</source>
        <translation>随访中</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="40"/>
        <source>completed</source>
        <translation>完成研究</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="41"/>
        <source>died</source>
        <translation>死亡</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="42"/>
        <source>transplanted</source>
        <translation>肝移植</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="43"/>
        <source>lost to follow-up</source>
        <translation>失访</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="44"/>
        <source>withdrew</source>
        <translation>撤回同意</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="45"/>
        <source>investigator decision</source>
        <translation>研究者决定</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="46"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="96"/>
        <source>1 open query</source>
        <extracomment>Background colours by visit state: red for late, amber for due, green for done. The orange of an open query, as on the &quot;?&quot; marker beside a queried field.</extracomment>
        <translation>1 个待答复的质疑</translation>
    </message>
    <message>
        <location filename="../../ui/common/labels.py" line="97"/>
        <source>{n} open queries</source>
        <translation>{n} 个待答复的质疑</translation>
    </message>
</context>
<context>
    <name>LifecycleBar</name>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="48"/>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="49"/>
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="50"/>
        <source>verified</source>
        <translation>已核查</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="51"/>
        <source>signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="52"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="24"/>
        <source>I approve this data</source>
        <translation>我批准这些数据</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="25"/>
        <source>I have reviewed this data</source>
        <translation>我已审阅这些数据</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="26"/>
        <source>I am the responsible investigator for this data</source>
        <translation>我是这些数据的负责研究者</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="73"/>
        <source>Signed by {name} ({user}) on {when} — {meaning}</source>
        <translation>由 {name}（{user}）于 {when} 签名 — {meaning}</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="83"/>
        <source>VOIDED {when} by {user}: {reason}</source>
        <translation>已作废 {when}，由 {user}：{reason}</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="93"/>
        <source>INVALID: the data no longer match what was signed</source>
        <translation>无效：数据与签名时的内容不一致</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="97"/>
        <source>INVALID: this signature was not made on this record as it reads (copied or altered)</source>
        <translation>无效：此签名不是对本记录当前所示内容所作（被复制或被篡改）</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="120"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="121"/>
        <source>Unlocking {what} voids its signature; the form returns to complete and can be changed. Give the reason (it goes into the audit trail):</source>
        <translation>解锁{what}会使其签名作废；表单回到“已完成”状态并可修改。请填写原因（将记入稽查轨迹）：</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="248"/>
        <source>Verif&amp;y</source>
        <translation>核查(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="249"/>
        <source>Si&amp;gn…</source>
        <translation>签名(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="250"/>
        <source>Loc&amp;k</source>
        <translation>锁定(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="251"/>
        <source>Unl&amp;ock…</source>
        <translation>解锁(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="269"/>
        <source>Not saved yet</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="281"/>
        <source>Not signed. Log in with a user account to verify, sign or lock.</source>
        <translation>未签名。请使用用户账户登录以进行核查、签名或锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="284"/>
        <source>Not signed</source>
        <translation>未签名</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="295"/>
        <source>&amp;Queries ({n})…</source>
        <translation>质疑(&amp;Q)（{n}）…</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="295"/>
        <source>&amp;Queries…</source>
        <translation>质疑(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="299"/>
        <source>Open, raise, answer and close queries on this form</source>
        <translation>查看、提出、回复和关闭此表单的质疑</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="312"/>
        <source>Save the form first</source>
        <translation>请先保存表单</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="314"/>
        <source>Save or discard your changes first</source>
        <translation>请先保存或放弃修改</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="316"/>
        <source>Log in with a user account for this step</source>
        <translation>此步骤需要使用用户账户登录</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="324"/>
        <source>Your role ({role}) may not do this</source>
        <translation>您的角色（{role}）无权执行此操作</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="328"/>
        <source>Only a complete form without open queries can be verified</source>
        <translation>只有已完成且没有未关闭质疑的表单才能核查</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="329"/>
        <source>Only a verified form without open queries can be signed</source>
        <translation>只有已核查且没有未关闭质疑的表单才能签名</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="330"/>
        <source>Only a signed form with a valid signature can be locked</source>
        <translation>只有带有效签名的已签名表单才能锁定</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="331"/>
        <source>Only a signed or locked form can be unlocked</source>
        <translation>只有已签名或已锁定的表单才能解锁</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="343"/>
        <source>{form} of {subject}</source>
        <translation>{subject} 的{form}</translation>
    </message>
    <message>
        <location filename="../../ui/review/lifecycle_bar.py" line="308"/>
        <source>The coordinating centre&apos;s database: only the site verifies, signs and locks its data; raise a query instead</source>
        <translation>协调中心数据库：只有该中心可以核查、签名和锁定其数据；请改为提出质疑</translation>
    </message>
</context>
<context>
    <name>LinkedAeDialog</name>
    <message>
        <location filename="../../ui/forms/linked_ae.py" line="44"/>
        <source>Adverse event for infusion reaction</source>
        <translation>输注反应的不良事件</translation>
    </message>
    <message>
        <location filename="../../ui/forms/linked_ae.py" line="50"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="90"/>
        <source>&amp;Log in</source>
        <translation>登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="95"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="96"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="102"/>
        <source>Create the administrator account</source>
        <translation>创建管理员账户</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="108"/>
        <source>&amp;Create and log in</source>
        <translation>创建并登录(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="114"/>
        <source>From then on everyone logs in with their own account and role (administrator, principal investigator, study nurse, monitor); passwords have at least {n} characters.</source>
        <translation>此后每个人都使用自己的账户和角色（管理员、主要研究者、研究护士、监查员）登录；密码至少 {n} 个字符。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="123"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="124"/>
        <source>Full name (printed with signatures):</source>
        <translation>全名（随签名显示）：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="125"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="126"/>
        <source>Repeat the password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="132"/>
        <source>Continue without accounts (single-user mode)</source>
        <translation>不使用账户继续（单用户模式）</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="135"/>
        <source>C&amp;ontinue</source>
        <translation>继续(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="141"/>
        <source>Anyone at this computer works under the name typed here; it goes into the audit trail. Signing, verifying and queries need accounts.</source>
        <translation>在此计算机上的任何人都以这里输入的名字工作，该名字会记入稽查轨迹。签名、核查和质疑需要用户账户。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="152"/>
        <source>Your name:</source>
        <translation>您的名字：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="156"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="173"/>
        <source>MSC-CRF — first use of {database}</source>
        <translation>MSC-CRF — 首次使用 {database}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="176"/>
        <source>&lt;b&gt;{database}&lt;/b&gt; has no user accounts yet. Create the administrator account now, or continue in single-user mode.</source>
        <translation>&lt;b&gt;{database}&lt;/b&gt; 还没有用户账户。请现在创建管理员账户，或以单用户模式继续。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="182"/>
        <source>MSC-CRF — log in</source>
        <translation>MSC-CRF — 登录</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="183"/>
        <source>Log in to &lt;b&gt;{database}&lt;/b&gt;</source>
        <translation>登录 &lt;b&gt;{database}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="205"/>
        <source>The two passwords differ; type the same password twice.</source>
        <translation>两次输入的密码不一致，请输入相同的密码。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="225"/>
        <source>Type your name: it goes into the audit trail.</source>
        <translation>请输入您的名字：它会记入稽查轨迹。</translation>
    </message>
</context>
<context>
    <name>MainMenus</name>
    <message>
        <location filename="../../ui/shell/menus.py" line="174"/>
        <source>&amp;About MSC-CRF</source>
        <translation>关于 MSC-CRF(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="156"/>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="182"/>
        <source>&amp;Audit trail…</source>
        <translation>稽查轨迹(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="175"/>
        <source>&amp;Change password…</source>
        <translation>修改密码(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="153"/>
        <source>&amp;File</source>
        <extracomment>key -&gt; (objectName, shortcut) of every action the window hands a command for. The actions of each menu, in order (&quot;-&quot;: a separator; &quot;export+backup&quot;: their actions).</extracomment>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="159"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="166"/>
        <source>Open read-onl&amp;y…</source>
        <translation>以只读方式打开(&amp;Y)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="177"/>
        <source>&amp;Idle lock…</source>
        <translation>空闲锁定(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="158"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="178"/>
        <source>&amp;Lock the screen now</source>
        <translation>立即锁定屏幕(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="176"/>
        <source>&amp;Manage users…</source>
        <translation>用户管理(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="164"/>
        <source>&amp;New study database…</source>
        <translation>新建研究数据库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="170"/>
        <source>&amp;New subject</source>
        <translation>新建受试者(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="165"/>
        <source>&amp;Open study database…</source>
        <translation>打开研究数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="171"/>
        <source>&amp;Patient list</source>
        <translation>患者列表(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="169"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="173"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="157"/>
        <source>&amp;Review</source>
        <translation>审阅(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="154"/>
        <source>&amp;Subject</source>
        <translation>受试者(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="172"/>
        <source>&amp;Today&apos;s work</source>
        <translation>今日工作(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="168"/>
        <source>&amp;Verify database</source>
        <translation>校验数据库(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="155"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="183"/>
        <source>Audit trail of this s&amp;ubject…</source>
        <translation>此受试者的稽查轨迹(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="180"/>
        <source>Open &amp;queries (study)…</source>
        <translation>未关闭的质疑（全研究）(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="181"/>
        <source>Open queries of this &amp;subject…</source>
        <translation>此受试者未关闭的质疑(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="167"/>
        <source>Open the &amp;demo study</source>
        <translation>打开演示研究(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="179"/>
        <source>Log &amp;out</source>
        <translation>注销(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="184"/>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="185"/>
        <source>Save &amp;as PDF…</source>
        <translation>另存为 PDF(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/menus.py" line="186"/>
        <source>&amp;Casebook (PDF)…</source>
        <translation>病例报告 PDF(&amp;C)…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/shell/main_window.py" line="140"/>
        <source>Loading the study…</source>
        <extracomment>Subjects read for the patient list&apos;s first screen before the whole study (issue 14).</extracomment>
        <translation>正在加载研究数据…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="250"/>
        <source>MSC-CRF — {database} — {user}</source>
        <translation>MSC-CRF — {database} — {user}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="259"/>
        <source>User: {user}</source>
        <translation>用户：{user}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="261"/>
        <source>Database: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="263"/>
        <source>Today&apos;s work</source>
        <translation>今日工作</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="227"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="228"/>
        <source>The translation file for {language} is missing.</source>
        <translation>缺少 {language} 的翻译文件。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="252"/>
        <source>read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="254"/>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/shell/main_window.py" line="374"/>
        <source>%n subject(s) loaded</source>
        <translation>
            <numerusform>已加载 %n 名受试者</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="391"/>
        <source>Could not read the study: {error}</source>
        <translation>无法读取研究数据：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="429"/>
        <location filename="../../ui/shell/main_window.py" line="450"/>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="527"/>
        <source>About MSC-CRF</source>
        <translation>关于 MSC-CRF</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="529"/>
        <source>&lt;b&gt;MSC-CRF&lt;/b&gt; {version}&lt;br&gt;{code}: {title}&lt;br&gt;&lt;br&gt;Electronic case report form for mesenchymal stem cell transplantation in cirrhosis caused by autoimmune liver disease. Data stay on this computer; every change is kept in an audit trail.</source>
        <translation>&lt;b&gt;MSC-CRF&lt;/b&gt; {version}&lt;br&gt;{code}：{title}&lt;br&gt;&lt;br&gt;间充质干细胞移植治疗自身免疫性肝病所致肝硬化的电子病例报告表。数据保存在本机；每一次修改都记录在稽查轨迹中。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/main_window.py" line="256"/>
        <source>coordinating centre (read only)</source>
        <translation>协调中心（只读）</translation>
    </message>
</context>
<context>
    <name>NewStudyDialog</name>
    <message>
        <location filename="../../ui/shell/new_study_dialog.py" line="18"/>
        <source>New study database</source>
        <translation>新建研究数据库</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_dialog.py" line="22"/>
        <source>The new study file&apos;s study ID (the protocol number) and its one site.</source>
        <translation>新研究文件的研究编号（方案编号）及其所属的一个研究中心。</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="20"/>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="34"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="35"/>
        <source>Full name:</source>
        <translation>全名：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="36"/>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="37"/>
        <source>First password:</source>
        <translation>初始密码：</translation>
    </message>
    <message>
        <location filename="../../ui/admin/new_user_dialog.py" line="38"/>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
</context>
<context>
    <name>PatientListModel</name>
    <message>
        <location filename="../../ui/models/patient_list.py" line="136"/>
        <source>Subject ID</source>
        <extracomment>Keys that sort blanks last and dates as dates, by column (sorting 10,000 rows calls the asked column&apos;s key 10,000 times, so each is one small function). The (column, order) the rows are sorted by; None once rows changed since.</extracomment>
        <translation>受试者编号</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="137"/>
        <source>Initials</source>
        <translation>姓名缩写</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="138"/>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="139"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="141"/>
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="144"/>
        <source>MSC source</source>
        <translation>干细胞来源</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="145"/>
        <source>Infusions</source>
        <translation>输注次数</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="147"/>
        <source>Last visit</source>
        <translation>末次访视</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="150"/>
        <source>Next due visit</source>
        <translation>下次访视</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="151"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="358"/>
        <source>{visit}, {date} ({state})</source>
        <translation>{visit}，{date}（{state}）</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="367"/>
        <source>Target {target}; window closes {end}</source>
        <translation>目标日期 {target}；窗口期截止 {end}</translation>
    </message>
    <message>
        <location filename="../../ui/models/patient_list.py" line="152"/>
        <source>Site</source>
        <translation>中心</translation>
    </message>
</context>
<context>
    <name>PatientListView</name>
    <message>
        <location filename="../../ui/views/patient_list_view.py" line="178"/>
        <source>Patients</source>
        <extracomment>How long typing must pause before the list is filtered (a fast typist&apos;s keys come about 100-150 ms apart; a filter of 100,000 rows takes about as long, so it waits for a pause).</extracomment>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../ui/views/patient_list_view.py" line="180"/>
        <source>Search subject ID, initials or diagnosis (Ctrl+F)</source>
        <translation>搜索受试者编号、姓名缩写或诊断（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/views/patient_list_view.py" line="183"/>
        <source>&amp;New subject</source>
        <translation>新建受试者(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/views/patient_list_view.py" line="184"/>
        <source>Enrol a new subject (Ctrl+N)</source>
        <translation>入组新受试者（Ctrl+N）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="304"/>
        <source>%n subject(s)</source>
        <translation>
            <numerusform>%n 名受试者</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="306"/>
        <source>Showing %1 of %n subject(s)</source>
        <translation>
            <numerusform>显示 %1 / %n 名受试者</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="308"/>
        <source>%n with overdue visits</source>
        <translation>
            <numerusform>%n 名有逾期访视</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/views/patient_list_view.py" line="238"/>
        <source>All sites</source>
        <translation>所有中心</translation>
    </message>
</context>
<context>
    <name>QueriesDialog</name>
    <message>
        <location filename="../../ui/review/queries_dialog.py" line="28"/>
        <source>Queries</source>
        <translation>质疑</translation>
    </message>
</context>
<context>
    <name>QueriesPanel</name>
    <message>
        <location filename="../../ui/models/query_table.py" line="30"/>
        <source>open</source>
        <extracomment>Custom role: the query&apos;s id.</extracomment>
        <translation>未回复</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="31"/>
        <source>answered</source>
        <translation>已回复</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="32"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="61"/>
        <source>(whole form)</source>
        <translation>（整个表单）</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="78"/>
        <source>#{id} {status} — {who}: {text}</source>
        <translation>#{id} {status} — {who}：{text}</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="84"/>
        <source>Answer by {who}: {text}</source>
        <translation>{who} 的回复：{text}</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="130"/>
        <source>Close query #{id}</source>
        <translation>关闭质疑 #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="131"/>
        <source>Closing note (optional):</source>
        <translation>关闭说明（可选）：</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="263"/>
        <source>Queries on {form} #{id} of {subject}</source>
        <translation>{subject} 的{form} #{id} 上的质疑</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="267"/>
        <source>Queries of {subject}</source>
        <translation>{subject} 的质疑</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="269"/>
        <source>Queries of the whole study</source>
        <translation>全研究的质疑</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="271"/>
        <source>Unresolved only</source>
        <translation>仅未解决</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="272"/>
        <source>Filter…</source>
        <translation>筛选…</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="274"/>
        <source>&amp;Raise query…</source>
        <translation>提出质疑(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="275"/>
        <source>&amp;Answer…</source>
        <translation>回复(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="276"/>
        <source>&amp;Close query…</source>
        <translation>关闭质疑(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="277"/>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="315"/>
        <source>Log in with a user account to work on queries.</source>
        <translation>请使用用户账户登录以处理质疑。</translation>
    </message>
    <message>
        <location filename="../../ui/review/queries_panel.py" line="383"/>
        <source>The warnings were not confirmed; nothing was saved.</source>
        <translation>警告未确认；未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="41"/>
        <source>not sent yet (next return package)</source>
        <translation>尚未发送（下一个回传包）</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="42"/>
        <source>waiting for the site (return package {n})</source>
        <translation>等待中心处理（回传包 {n}）</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="45"/>
        <source>waiting for the site&apos;s answer</source>
        <translation>等待中心回复</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="46"/>
        <source>answered in package {n}</source>
        <translation>已在数据包 {n} 中回复</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="47"/>
        <source>closed in package {n}</source>
        <translation>已在数据包 {n} 中关闭</translation>
    </message>
</context>
<context>
    <name>QueryTableModel</name>
    <message>
        <location filename="../../ui/models/query_table.py" line="109"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="110"/>
        <source>Subject</source>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="112"/>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="114"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="115"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="116"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="118"/>
        <source>Raised</source>
        <translation>提出</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="122"/>
        <source>Answer</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../ui/models/query_table.py" line="125"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
</context>
<context>
    <name>RaiseQueryDialog</name>
    <message>
        <location filename="../../ui/review/raise_query_dialog.py" line="24"/>
        <source>Raise a query</source>
        <translation>提出质疑</translation>
    </message>
    <message>
        <location filename="../../ui/review/raise_query_dialog.py" line="34"/>
        <source>Field:</source>
        <translation>字段：</translation>
    </message>
    <message>
        <location filename="../../ui/review/raise_query_dialog.py" line="35"/>
        <source>Question:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <location filename="../../ui/review/raise_query_dialog.py" line="39"/>
        <source>Raise query</source>
        <translation>提出质疑</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="53"/>
        <source>Delete record</source>
        <extracomment>The columns that identify a record in the list, per form.</extracomment>
        <translation>删除记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="54"/>
        <source>Why is {what} deleted? The reason and every value go to the audit.</source>
        <translation>为什么删除{what}？原因及所有数值都将记入稽查轨迹。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="95"/>
        <location filename="../../ui/forms/record_list_page.py" line="253"/>
        <source>&amp;New record</source>
        <translation>新建记录(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="98"/>
        <location filename="../../ui/forms/record_list_page.py" line="254"/>
        <source>Start a new record (Alt+N)</source>
        <translation>新建一条记录（Alt+N）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="100"/>
        <location filename="../../ui/forms/record_list_page.py" line="255"/>
        <source>Delete record…</source>
        <translation>删除记录(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="105"/>
        <location filename="../../ui/forms/record_list_page.py" line="258"/>
        <source>Delete the selected record, with a reason (kept in the audit trail); the Delete key in the list does the same</source>
        <translation>删除所选记录，需填写原因（记入稽查轨迹）；在列表中按 Delete 键效果相同</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="207"/>
        <source>{form} #{id} of {subject}</source>
        <translation>{subject} 的{form} #{id}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="231"/>
        <source>Not deleted.</source>
        <translation>未删除。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="269"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>ScheduleModel</name>
    <message>
        <location filename="../../ui/models/schedule.py" line="44"/>
        <source>Visit</source>
        <extracomment>Custom role: the row&apos;s VisitState.</extracomment>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="48"/>
        <source>Window opens</source>
        <translation>窗口期开始</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="50"/>
        <source>Target</source>
        <translation>目标日期</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="52"/>
        <source>Window closes</source>
        <translation>窗口期结束</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="54"/>
        <source>Visit date</source>
        <translation>访视日期</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="55"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models/schedule.py" line="66"/>
        <source>({days:+d} days)</source>
        <translation>（{days:+d} 天）</translation>
    </message>
</context>
<context>
    <name>ScheduleView</name>
    <message>
        <location filename="../../ui/views/schedule_view.py" line="67"/>
        <source>No infusion yet: the schedule starts at day 0, the first infusion.</source>
        <translation>尚未输注：访视计划从第 0 天（首次输注）开始。</translation>
    </message>
    <message>
        <location filename="../../ui/views/schedule_view.py" line="71"/>
        <source>Day 0 (first infusion): {day0}. Today is study day {day}.</source>
        <translation>第 0 天（首次输注）：{day0}。今天是研究第 {day} 天。</translation>
    </message>
</context>
<context>
    <name>ScorePanel</name>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="158"/>
        <source>Sex is not recorded: MELD 3.0 needs it.</source>
        <extracomment>(score key of compute_all, title, stored visit field holding the comparable number) compute_all input names -&gt; the dictionary field the user fills in</extracomment>
        <translation>未记录性别：MELD 3.0 需要性别。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="161"/>
        <source>Cholestatic disease: Child-Pugh uses bilirubin bands 4 / 10 mg/dL.</source>
        <translation>胆汁淤积性疾病：Child-Pugh 使用胆红素分级 4 / 10 mg/dL。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="169"/>
        <source>Scores (live)</source>
        <translation>评分（实时）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="170"/>
        <source>Δ vs baseline</source>
        <translation>Δ 较基线</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="171"/>
        <source>Change from the subject&apos;s stored baseline visit</source>
        <translation>与该受试者已保存的基线访视相比的变化</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="179"/>
        <source>Missing: {inputs}</source>
        <translation>缺少：{inputs}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="189"/>
        <source>{score} (grade {grade})</source>
        <translation>{score}（{grade} 级）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="195"/>
        <source>bilirubin</source>
        <translation>胆红素</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="196"/>
        <source>creatinine</source>
        <translation>肌酐</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="197"/>
        <source>INR</source>
        <translation>INR</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="198"/>
        <source>sodium</source>
        <translation>血钠</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="199"/>
        <source>albumin</source>
        <translation>白蛋白</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="205"/>
        <source>{what} floored to {value}</source>
        <translation>{what}按下限 {value} 计</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="207"/>
        <source>{what} capped at {value}</source>
        <translation>{what}按上限 {value} 计</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="209"/>
        <source>{what} bounded to {value}</source>
        <translation>{what}限定为 {value}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="211"/>
        <source>dialysis: creatinine set to {value}</source>
        <translation>透析：肌酐按 {value} 计</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="213"/>
        <source>MELD(i) {value} ≤ 11: sodium correction not applied</source>
        <translation>MELD(i) {value} ≤ 11：未做血钠校正</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="217"/>
        <source>cholestatic disease: bilirubin bands {low} / {high} {unit}</source>
        <translation>胆汁淤积性疾病：胆红素分段 {low} / {high} {unit}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="183"/>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>SendPackageDialog</name>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="48"/>
        <source>Send to coordinating centre</source>
        <translation>发送至协调中心</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="56"/>
        <source>Folder or USB stick</source>
        <translation>文件夹或 U 盘</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="58"/>
        <source>&amp;Choose…</source>
        <translation>选择(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="61"/>
        <source>&amp;Write package</source>
        <translation>生成数据包(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="91"/>
        <source>No package has been sent to the coordinating centre yet.</source>
        <translation>尚未向协调中心发送过数据包。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="95"/>
        <source>Last package: {name}, made {time} (UTC).</source>
        <translation>上一个数据包：{name}，生成于 {time}（UTC）。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="101"/>
        <source>Packages are signed with your account&apos;s key: log in to an account.</source>
        <translation>数据包以您账户的密钥签名：请登录账户。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="110"/>
        <source>Write the package to</source>
        <translation>数据包保存至</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="125"/>
        <source>Written {path}: {rows} audit rows, {records} records.</source>
        <translation>已生成 {path}：{rows} 条稽查记录，{records} 条记录。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="137"/>
        <source>Writing the package…</source>
        <translation>正在生成数据包…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/send_package_dialog.py" line="156"/>
        <location filename="../../ui/shell/menus.py" line="196"/>
        <source>Send to coordinating centre…</source>
        <translation>发送至协调中心…</translation>
    </message>
</context>
<context>
    <name>SessionController</name>
    <message>
        <location filename="../../ui/shell/session_controller.py" line="161"/>
        <source>Your password was changed.</source>
        <translation>您的密码已修改。</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="39"/>
        <location filename="../../ui/review/sign_dialog.py" line="61"/>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="42"/>
        <source>You are signing {what} as {name}. Your signature is bound to the data as they are now; any later change needs an unlock that voids it.</source>
        <translation>您正在以 {name} 的身份为{what}签名。签名与当前数据绑定；以后的任何修改都需要解锁，解锁将使签名失效。</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="56"/>
        <source>Meaning:</source>
        <translation>签名含义：</translation>
    </message>
    <message>
        <location filename="../../ui/review/sign_dialog.py" line="57"/>
        <source>Your password:</source>
        <translation>您的密码：</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="80"/>
        <source>Create a new study database</source>
        <extracomment>Environment variable that overrides where the demo study lives (tests, kiosks).</extracomment>
        <translation>新建研究数据库</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="95"/>
        <source>Open a study database</source>
        <translation>打开研究数据库</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="107"/>
        <source>{path} already exists. Choose “Open an existing database” to open it, or pick a new file name.</source>
        <translation>{path} 已存在。请选择“打开已有数据库”来打开它，或换一个新文件名。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="127"/>
        <source>Damaged database</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="178"/>
        <source>Unexpected error while opening the database: {error}</source>
        <translation>打开数据库时发生意外错误：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="196"/>
        <source>Creating the demo study (26 subjects)…</source>
        <translation>正在创建演示研究（26 名受试者）…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="198"/>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="71"/>
        <source>Study &amp;ID (new study):</source>
        <translation>研究编号(&amp;I)（新研究）：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="74"/>
        <source>the protocol number, e.g. MSCT-2026-01</source>
        <translation>方案编号，例如 MSCT-2026-01</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="76"/>
        <source>&amp;Site (new study):</source>
        <translation>研究中心(&amp;S)（新研究）：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="406"/>
        <source>Type your user name first: it is recorded with every change.</source>
        <translation>请先输入用户名：每一次修改都会记录用户名。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="344"/>
        <source>{message}

Restore the newest good backup, {backup}? The damaged file is kept beside it, renamed, so nothing is deleted.</source>
        <translation>{message}

是否从最新的完好备份 {backup} 恢复？损坏的文件会改名后保留在原处，不会删除任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="141"/>
        <source>Log in to restore</source>
        <translation>登录以恢复</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="143"/>
        <source>The backup {backup} has user accounts: log in with one that may back up (administrator or PI) to restore it.</source>
        <translation>备份 {backup} 设有用户账户：请使用有备份权限的账户（管理员或主要研究者）登录后再恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="163"/>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="164"/>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="372"/>
        <source>MSC-CRF — start</source>
        <translation>MSC-CRF — 开始</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="373"/>
        <source>MSC-CRF electronic case report form</source>
        <translation>MSC-CRF 电子病例报告表</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="375"/>
        <source>Your &amp;user name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="376"/>
        <source>e.g. nurse.wang</source>
        <translation>例如 nurse.wang</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="377"/>
        <source>&amp;Create a new study database…</source>
        <translation>新建研究数据库(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="378"/>
        <source>&amp;Open an existing database…</source>
        <translation>打开已有数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="379"/>
        <source>Open the &amp;demo study (26 subjects)</source>
        <translation>打开演示研究（26 名受试者）(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/start_dialog.py" line="380"/>
        <source>&amp;Recent databases:</source>
        <translation>最近使用的数据库(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="110"/>
        <source>The study ID must be the protocol number: letters and digits in groups joined by hyphens, at most 32 (e.g. MSCT-2026-01).</source>
        <translation>研究编号须为方案编号：字母和数字，各组以连字符相连，最多 32 个字符（例如 MSCT-2026-01）。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="118"/>
        <source>Choose the site this study file belongs to.</source>
        <translation>请选择本研究文件所属的研究中心。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="77"/>
        <source>the site this file belongs to, e.g. GZH or BJ01</source>
        <translation>本文件所属的研究中心，如 GZH 或 BJ01</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="85"/>
        <source>Site &amp;name (a new site):</source>
        <translation>中心名称(&amp;N)（新中心）：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="88"/>
        <source>e.g. Beijing Friendship Hospital</source>
        <translation>例如 Beijing Friendship Hospital</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="91"/>
        <source>Site name in C&amp;hinese:</source>
        <translation>中心中文名称(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="94"/>
        <source>e.g. 北京友谊医院</source>
        <translation>例如 北京友谊医院</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="125"/>
        <source>The site code must be 2 to 6 capital letters or digits (e.g. BJ01).</source>
        <translation>中心代码须为 2 至 6 个大写字母或数字（如 BJ01）。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/new_study_fields.py" line="132"/>
        <source>Type the name of site {site}: a new site is registered with it.</source>
        <translation>请输入中心 {site} 的名称：新中心将以此名称登记。</translation>
    </message>
</context>
<context>
    <name>SubjectHeader</name>
    <message>
        <location filename="../../ui/views/subject_header.py" line="73"/>
        <source>New subject</source>
        <translation>新受试者</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="78"/>
        <source>the subject ID is assigned when enrolment is saved</source>
        <translation>保存入组表时分配受试者编号</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="81"/>
        <source>{age} years</source>
        <translation>{age} 岁</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="88"/>
        <source>no infusion yet</source>
        <translation>尚未输注</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="91"/>
        <source>Study day {day}</source>
        <translation>研究第 {day} 天</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="93"/>
        <source>Days since the first infusion on {day0}</source>
        <translation>自 {day0} 首次输注以来的天数</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="101"/>
        <source>visit overdue</source>
        <translation>访视逾期</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_header.py" line="104"/>
        <source>Queries waiting for the site&apos;s answer (Review › Queries)</source>
        <translation>等待研究中心答复的质疑（审核 › 质疑）</translation>
    </message>
</context>
<context>
    <name>SubjectWorkspace</name>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="51"/>
        <source>&amp;Enrolment</source>
        <translation>入组(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="52"/>
        <source>&amp;Infusions</source>
        <translation>输注(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="53"/>
        <source>Visi&amp;ts</source>
        <translation>访视(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="54"/>
        <source>A&amp;dverse events</source>
        <translation>不良事件(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="58"/>
        <source>&amp;Concomitant medications</source>
        <translation>合并用药(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="61"/>
        <source>&amp;Medical history</source>
        <translation>既往病史(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="63"/>
        <source>Dis&amp;position</source>
        <translation>研究结局(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="65"/>
        <source>Sched&amp;ule</source>
        <translation>访视计划(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="68"/>
        <source>Tra&amp;jectory</source>
        <translation>病情轨迹(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="209"/>
        <source>← Patient list</source>
        <translation>← 患者列表</translation>
    </message>
    <message>
        <location filename="../../ui/views/subject_workspace.py" line="210"/>
        <source>Back to the patient list (Ctrl+L)</source>
        <translation>返回患者列表（Ctrl+L）</translation>
    </message>
</context>
<context>
    <name>TodaysWorkModel</name>
    <message>
        <location filename="../../ui/models/todays_work.py" line="54"/>
        <source>Subject</source>
        <extracomment>Custom roles: the subject ID of the line, and the code of its visit.</extracomment>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/models/todays_work.py" line="58"/>
        <source>Visit</source>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/models/todays_work.py" line="61"/>
        <source>Window</source>
        <translation>窗口期</translation>
    </message>
    <message>
        <location filename="../../ui/models/todays_work.py" line="62"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/models/todays_work.py" line="89"/>
        <source>%n day(s) late</source>
        <translation>
            <numerusform>逾期 %n 天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/models/todays_work.py" line="92"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>剩余 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/models/todays_work.py" line="97"/>
        <source>{visit} of {subject}: window {start} to {end} ({state})</source>
        <translation>{subject} 的{visit}：窗口期 {start} 至 {end}（{state}）</translation>
    </message>
</context>
<context>
    <name>TodaysWorkView</name>
    <message>
        <location filename="../../ui/views/todays_work.py" line="81"/>
        <source>Nothing due today.</source>
        <translation>今天没有到期的访视。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/todays_work.py" line="84"/>
        <source>%n overdue</source>
        <translation>
            <numerusform>%n 项逾期</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/todays_work.py" line="84"/>
        <source>%n due</source>
        <translation>
            <numerusform>%n 项到期</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrajectoryChart</name>
    <message>
        <location filename="../../ui/views/trajectory_chart.py" line="146"/>
        <source>Dashed lines mark infusions. Show:</source>
        <translation>虚线表示输注日期。显示：</translation>
    </message>
    <message>
        <location filename="../../ui/views/trajectory_chart.py" line="237"/>
        <source>Infusion {n}</source>
        <translation>第 {n} 次输注</translation>
    </message>
    <message>
        <location filename="../../ui/views/trajectory_chart.py" line="249"/>
        <source>no values yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../ui/shell/unlock_dialog.py" line="39"/>
        <source>MSC-CRF — session locked</source>
        <translation>MSC-CRF — 会话已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/shell/unlock_dialog.py" line="45"/>
        <source>The session was locked after {minutes} minutes without input. Your unsaved input is kept.

{name}, type your password to continue.</source>
        <translation>会话因 {minutes} 分钟无操作已被锁定。您未保存的输入已保留。

{name}，请输入密码以继续。</translation>
    </message>
    <message>
        <location filename="../../ui/shell/unlock_dialog.py" line="60"/>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/unlock_dialog.py" line="64"/>
        <source>&amp;Quit MSC-CRF</source>
        <translation>退出 MSC-CRF(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/shell/unlock_dialog.py" line="67"/>
        <source>Quit without saving the unsaved input</source>
        <translation>退出且不保存未保存的输入</translation>
    </message>
</context>
<context>
    <name>UserManagementDialog</name>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="44"/>
        <source>Manage users</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="60"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="61"/>
        <source>Full name</source>
        <translation>全名</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="62"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="63"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="64"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="65"/>
        <source>Failed logins</source>
        <translation>登录失败次数</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="66"/>
        <source>Created (UTC)</source>
        <translation>创建时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="71"/>
        <source>&amp;Add user…</source>
        <translation>添加用户(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="72"/>
        <source>Change &amp;role…</source>
        <translation>修改角色(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="73"/>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="74"/>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="75"/>
        <source>Reset &amp;password…</source>
        <translation>重置密码(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="76"/>
        <location filename="../../ui/admin/user_management_dialog.py" line="149"/>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="103"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="103"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="149"/>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="159"/>
        <source>Log in as an administrator to manage users.</source>
        <translation>请以管理员身份登录以管理用户。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="176"/>
        <source>Added {user}.</source>
        <translation>已添加 {user}。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="186"/>
        <source>{user} is now {role}.</source>
        <translation>{user} 的角色已改为 {role}。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="189"/>
        <source>Lock {user}</source>
        <translation>锁定 {user}</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="194"/>
        <source>{user} is locked.</source>
        <translation>{user} 已锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="197"/>
        <source>{user} is unlocked.</source>
        <translation>{user} 已解锁。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="203"/>
        <source>The password of {user} was reset.</source>
        <translation>{user} 的密码已重置。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="207"/>
        <source>{user} is disabled.</source>
        <translation>{user} 已停用。</translation>
    </message>
    <message>
        <location filename="../../ui/admin/user_management_dialog.py" line="209"/>
        <source>{user} is enabled.</source>
        <translation>{user} 已启用。</translation>
    </message>
</context>
<context>
    <name>UserSession</name>
    <message>
        <location filename="../../ui/common/session.py" line="49"/>
        <source>administrator</source>
        <extracomment>Permissions a single-user (legacy, no accounts) session has: data entry only. Lifecycle steps and queries need a real account (the core refuses them without an Actor). What a session on the coordinating centre&apos;s pooled database may still be offered: the sites write their own data; a query raised there is a centre query (exchange.centre_queries).</extracomment>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../ui/common/session.py" line="50"/>
        <source>principal investigator</source>
        <translation>主要研究者</translation>
    </message>
    <message>
        <location filename="../../ui/common/session.py" line="51"/>
        <source>study nurse</source>
        <translation>研究护士</translation>
    </message>
    <message>
        <location filename="../../ui/common/session.py" line="52"/>
        <source>monitor</source>
        <translation>监查员</translation>
    </message>
    <message>
        <location filename="../../ui/common/session.py" line="147"/>
        <source>Not allowed</source>
        <translation>不允许</translation>
    </message>
</context>
<context>
    <name>prompts</name>
    <message>
        <location filename="../../ui/common/prompts.py" line="106"/>
        <source>Replace the file?</source>
        <translation>替换该文件？</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="108"/>
        <source>{file} already exists. Replace it?</source>
        <translation>{file} 已存在。要替换它吗？</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="27"/>
        <source>Confirm unusual values</source>
        <translation>确认异常值</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="29"/>
        <source>These values are outside the expected range. Save them anyway?</source>
        <translation>这些数值超出预期范围。仍要保存吗？</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="43"/>
        <source>Reason for change</source>
        <translation>修改原因</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="44"/>
        <source>The {form} form is complete. Why are you changing it?</source>
        <translation>{form}表单已完成。为什么要修改？</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="61"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="62"/>
        <source>This form has unsaved changes.</source>
        <translation>此表单有未保存的更改。</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="66"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="69"/>
        <source>&amp;Discard changes</source>
        <translation>放弃更改(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="72"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="92"/>
        <source>Infusion reaction</source>
        <translation>输注反应</translation>
    </message>
    <message>
        <location filename="../../ui/common/prompts.py" line="93"/>
        <source>An infusion reaction was recorded. Record it as an adverse event now?</source>
        <translation>已记录输注反应。现在将其记录为不良事件吗？</translation>
    </message>
</context>
</TS>
