<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DateLineEdit</name>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="45" />
        <source>Pick a date from the calendar</source>
        <translation>从日历中选择日期</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="70" />
        <source>YYYY-MM-DD HH:MM</source>
        <translation>年-月-日 时:分</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="72" />
        <source>YYYY[-MM[-DD]]</source>
        <translation>年[-月[-日]]</translation>
    </message>
    <message>
        <location filename="../../ui/forms/date_edit.py" line="73" />
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../ui/export_dialog.py" line="227" />
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="229" />
        <source>Forms (long sheets):</source>
        <translation>表单（长格式工作表）：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="230" />
        <source>Sites:</source>
        <translation>研究中心：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="231" />
        <source>Subjects:</source>
        <translation>受试者：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="232" />
        <source>Records dated:</source>
        <translation>记录日期：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="233" />
        <source>Labels:</source>
        <translation>标签语言：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="234" />
        <source>Units:</source>
        <translation>单位：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="235" />
        <source>Audit trail:</source>
        <translation>稽查轨迹：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="236" />
        <source>Identifying fields:</source>
        <translation>身份识别字段：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="237" />
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="241" />
        <source>All subjects, or IDs such as GZH-001, GZH-002</source>
        <translation>全部受试者，或输入编号，如 GZH-001, GZH-002</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="242" />
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="243" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="244" />
        <source>SI (as stored)</source>
        <translation>国际单位（按存储）</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="245" />
        <source>Conventional (mg/dL, g/dL)</source>
        <translation>常规单位（mg/dL、g/dL）</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="246" />
        <source>Include the audit trail sheet (for monitors)</source>
        <translation>包含稽查轨迹工作表（供监查员使用）</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="247" />
        <source>Include identifying fields (hospital number)</source>
        <translation>包含身份识别字段（住院号）</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="248" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="249" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="250" />
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="251" />
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="252" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="286" />
        <source>Choose at least one form to export.</source>
        <translation>请至少选择一个要导出的表单。</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="289" />
        <source>Choose at least one site to export.</source>
        <translation>请至少选择一个要导出的研究中心。</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="313" />
        <source>Save the export as</source>
        <translation>导出文件另存为</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="313" />
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="337" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="362" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="382" />
        <source>Exported {subjects} subjects to {path}</source>
        <translation>已将 {subjects} 名受试者导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="394" />
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="400" />
        <source>The export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="438" />
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="160" />
        <source>Clear missing-data code</source>
        <translation>清除缺失数据代码</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="163" />
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="322" />
        <source>Missing-data code: {code} ({label})</source>
        <translation>缺失数据代码：{code}（{label}）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/field_editor.py" line="331" />
        <source>Set a missing-data code: ND not done, UNK unknown, NA not applicable</source>
        <translation>设置缺失数据代码：ND 未检测，UNK 不详，NA 不适用</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../../ui/forms/form_page.py" line="105" />
        <source>Subject</source>
        <extracomment>Derived fields shown read-only on the form (the visit's scores live in the score panel). Fields laid out in two columns (lab values).</extracomment>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="106" />
        <source>Cirrhosis</source>
        <translation>肝硬化</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="107" />
        <source>Eligibility</source>
        <translation>入选/排除标准</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="109" />
        <source>Infusion</source>
        <translation>输注</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="111" />
        <source>Visit</source>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="112" />
        <source>Laboratory</source>
        <translation>实验室检查</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="113" />
        <source>Clinical status</source>
        <translation>临床状态</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="128" />
        <source>Conventional units (mg/dL, g/dL)</source>
        <translation>常规单位（mg/dL、g/dL）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="178" />
        <source>Vital signs</source>
        <translation>生命体征</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="197" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="201" />
        <location filename="../../ui/forms/form_page.py" line="509" />
        <source>Save this form (Ctrl+S)</source>
        <translation>保存此表单（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="270" />
        <source>Cannot read the database: {error}</source>
        <translation>无法读取数据库：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="363" />
        <source>This form cannot be edited here.</source>
        <translation>此表单不能在此编辑。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="366" />
        <source>Choose a subject first.</source>
        <translation>请先选择受试者。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="371" />
        <source>Not saved: correct the {n} error(s) marked in red.</source>
        <translation>未保存：请更正红色标出的 {n} 处错误。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="386" />
        <source>Not saved: warnings were not confirmed.</source>
        <translation>未保存：警告未确认。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="393" />
        <source>Not saved: a reason for the change is required.</source>
        <translation>未保存：修改需要填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="404" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="439" />
        <source>Not saved: {error}</source>
        <translation>未保存：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="511" />
        <source>Correct the errors marked in red first</source>
        <translation>请先更正红色标出的错误</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="535" />
        <source>{n} error(s) to correct before saving.</source>
        <translation>保存前需更正 {n} 处错误。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="538" />
        <source>{n} unusual value(s): you will be asked to confirm at save.</source>
        <translation>{n} 个异常值：保存时将要求确认。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="556" />
        <source>Not saved.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="640" />
        <source>New subject (the ID is assigned when saved)</source>
        <translation>新受试者（保存时分配编号）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="642" />
        <source>No subject chosen</source>
        <translation>未选择受试者</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="643" />
        <source>New record for {subject}</source>
        <translation>{subject} 的新记录</translation>
    </message>
    <message>
        <location filename="../../ui/forms/form_page.py" line="644" />
        <source>{subject} · {status} · last saved {when} by {user}</source>
        <translation>{subject} · {status} · 最后由 {user} 于 {when} 保存</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="23" />
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="24" />
        <source>out of window</source>
        <translation>超窗</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="25" />
        <source>due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="26" />
        <source>upcoming</source>
        <translation>未到期</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="27" />
        <source>overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="28" />
        <source>missed</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="29" />
        <source>not expected</source>
        <translation>不再需要</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="30" />
        <source>not scheduled</source>
        <translation>未排期</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="38" />
        <source>active</source>
        <translation>随访中</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="39" />
        <source>completed</source>
        <translation>完成研究</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="40" />
        <source>died</source>
        <translation>死亡</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="41" />
        <source>transplanted</source>
        <translation>肝移植</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="42" />
        <source>lost to follow-up</source>
        <translation>失访</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="43" />
        <source>withdrew</source>
        <translation>撤回同意</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="44" />
        <source>investigator decision</source>
        <translation>研究者决定</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="45" />
        <source>other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>LinkedAeDialog</name>
    <message>
        <location filename="../../ui/forms/linked_ae.py" line="42" />
        <source>Adverse event for infusion reaction</source>
        <translation>输注反应的不良事件</translation>
    </message>
    <message>
        <location filename="../../ui/forms/linked_ae.py" line="48" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="133" />
        <source>Loading the study…</source>
        <translation>正在加载研究数据…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="284" />
        <source>MSC-CRF — {database} — {user}</source>
        <translation>MSC-CRF — {database} — {user}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="286" />
        <source>User: {user}</source>
        <translation>用户：{user}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="288" />
        <source>Database: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="290" />
        <source>Today's work</source>
        <translation>今日工作</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="292" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="293" />
        <source>&amp;Subject</source>
        <translation>受试者(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="295" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="296" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301" />
        <source>&amp;New study database…</source>
        <translation>新建研究数据库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="302" />
        <source>&amp;Open study database…</source>
        <translation>打开研究数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="303" />
        <source>Open the &amp;demo study</source>
        <translation>打开演示研究(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="304" />
        <source>&amp;Verify database</source>
        <translation>校验数据库(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="305" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="306" />
        <source>&amp;New subject</source>
        <translation>新建受试者(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="307" />
        <source>&amp;Patient list</source>
        <translation>患者列表(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308" />
        <source>&amp;Today's work</source>
        <translation>今日工作(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="309" />
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="310" />
        <source>&amp;About MSC-CRF</source>
        <translation>关于 MSC-CRF(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="324" />
        <source>The translation file for {language} is missing.</source>
        <translation>缺少 {language} 的翻译文件。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="343" />
        <source>%n subject(s) loaded</source>
        <translation><numerusform>已加载 %n 名受试者</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="349" />
        <source>Could not read the study: {error}</source>
        <translation>无法读取研究数据：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="388" />
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="397" />
        <location filename="../../ui/main_window.py" line="423" />
        <location filename="../../ui/main_window.py" line="429" />
        <location filename="../../ui/main_window.py" line="438" />
        <source>Verify database</source>
        <translation>校验数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="398" />
        <source>Only SQLite study files can be verified here.</source>
        <translation>此处只能校验 SQLite 研究文件。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="402" />
        <source>Verifying the database…</source>
        <translation>正在校验数据库…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="402" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="424" />
        <source>The database FAILED verification:</source>
        <translation>数据库校验未通过：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="430" />
        <source>The database passed every check:</source>
        <translation>数据库通过了全部检查：</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="436" />
        <source>Verification cancelled.</source>
        <translation>校验已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="449" />
        <source>About MSC-CRF</source>
        <translation>关于 MSC-CRF</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="451" />
        <source>&lt;b&gt;MSC-CRF&lt;/b&gt; {version}&lt;br&gt;{code}: {title}&lt;br&gt;&lt;br&gt;Electronic case report form for mesenchymal stem cell transplantation in cirrhosis caused by autoimmune liver disease. Data stay on this computer; every change is kept in an audit trail.</source>
        <translation>&lt;b&gt;MSC-CRF&lt;/b&gt; {version}&lt;br&gt;{code}：{title}&lt;br&gt;&lt;br&gt;间充质干细胞移植治疗自身免疫性肝病所致肝硬化的电子病例报告表。数据保存在本机；每一次修改都记录在稽查轨迹中。</translation>
    </message>
</context>
<context>
    <name>PatientListModel</name>
    <message>
        <location filename="../../ui/patient_list.py" line="179" />
        <source>Subject ID</source>
        <translation>受试者编号</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="180" />
        <source>Initials</source>
        <translation>姓名缩写</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="181" />
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="182" />
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="183" />
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="184" />
        <source>MSC source</source>
        <translation>干细胞来源</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="185" />
        <source>Infusions</source>
        <translation>输注次数</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="186" />
        <source>Last visit</source>
        <translation>末次访视</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="187" />
        <source>Next due visit</source>
        <translation>下次访视</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="188" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="247" />
        <source>{visit}, {date} ({state})</source>
        <translation>{visit}，{date}（{state}）</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list.py" line="257" />
        <source>Target {target}; window closes {end}</source>
        <translation>目标日期 {target}；窗口期截止 {end}</translation>
    </message>
</context>
<context>
    <name>PatientListView</name>
    <message>
        <location filename="../../ui/patient_list_view.py" line="139" />
        <source>Patients</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list_view.py" line="141" />
        <source>Search subject ID, initials or diagnosis (Ctrl+F)</source>
        <translation>搜索受试者编号、姓名缩写或诊断（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list_view.py" line="143" />
        <source>&amp;New subject</source>
        <translation>新建受试者(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/patient_list_view.py" line="144" />
        <source>Enrol a new subject (Ctrl+N)</source>
        <translation>入组新受试者（Ctrl+N）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_list_view.py" line="216" />
        <source>%n subject(s)</source>
        <translation><numerusform>%n 名受试者</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_list_view.py" line="218" />
        <source>Showing %1 of %n subject(s)</source>
        <translation><numerusform>显示 %1 / %n 名受试者</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_list_view.py" line="220" />
        <source>%n with overdue visits</source>
        <translation><numerusform>%n 名有逾期访视</numerusform></translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="72" />
        <source>&amp;New record</source>
        <extracomment>The columns that identify a record in the list, per form.</extracomment>
        <translation>新建记录(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="75" />
        <source>Start a new record (Alt+N)</source>
        <translation>新建一条记录（Alt+N）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/record_list_page.py" line="171" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>ScheduleModel</name>
    <message>
        <location filename="../../ui/schedule_view.py" line="80" />
        <source>Visit</source>
        <extracomment>Custom role: the row's VisitState.</extracomment>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="81" />
        <source>Window opens</source>
        <translation>窗口期开始</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="82" />
        <source>Target</source>
        <translation>目标日期</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="83" />
        <source>Window closes</source>
        <translation>窗口期结束</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="84" />
        <source>Visit date</source>
        <translation>访视日期</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="85" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="106" />
        <source>({days:+d} days)</source>
        <translation>（{days:+d} 天）</translation>
    </message>
</context>
<context>
    <name>ScheduleView</name>
    <message>
        <location filename="../../ui/schedule_view.py" line="161" />
        <source>No infusion yet: the schedule starts at day 0, the first infusion.</source>
        <translation>尚未输注：访视计划从第 0 天（首次输注）开始。</translation>
    </message>
    <message>
        <location filename="../../ui/schedule_view.py" line="165" />
        <source>Day 0 (first infusion): {day0}. Today is study day {day}.</source>
        <translation>第 0 天（首次输注）：{day0}。今天是研究第 {day} 天。</translation>
    </message>
</context>
<context>
    <name>ScorePanel</name>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="148" />
        <source>Sex is not recorded: MELD 3.0 needs it.</source>
        <extracomment>(score key of compute_all, title, stored visit field holding the comparable number) compute_all input names -&gt; the dictionary field the user fills in</extracomment>
        <translation>未记录性别：MELD 3.0 需要性别。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="151" />
        <source>Cholestatic disease: Child-Pugh uses bilirubin bands 4 / 10 mg/dL.</source>
        <translation>胆汁淤积性疾病：Child-Pugh 使用胆红素分级 4 / 10 mg/dL。</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="159" />
        <source>Scores (live)</source>
        <translation>评分（实时）</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="167" />
        <source>Missing: {inputs}</source>
        <translation>缺少：{inputs}</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="176" />
        <source>baseline —</source>
        <translation>基线 —</translation>
    </message>
    <message>
        <location filename="../../ui/forms/score_panel.py" line="180" />
        <source>Δ {delta} vs baseline</source>
        <translation>较基线 Δ {delta}</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../ui/start_dialog.py" line="61" />
        <source>Create a new study database</source>
        <extracomment>Environment variable that overrides where the demo study lives (tests, kiosks).</extracomment>
        <translation>新建研究数据库</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="76" />
        <source>Open a study database</source>
        <translation>打开研究数据库</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="87" />
        <source>{path} already exists. Choose “Open an existing database” to open it, or pick a new file name.</source>
        <translation>{path} 已存在。请选择“打开已有数据库”来打开它，或换一个新文件名。</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="106" />
        <source>Unexpected error while opening the database: {error}</source>
        <translation>打开数据库时发生意外错误：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="122" />
        <source>Creating the demo study (26 subjects)…</source>
        <translation>正在创建演示研究（26 名受试者）…</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="124" />
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="243" />
        <source>Type your user name first: it is recorded with every change.</source>
        <translation>请先输入用户名：每一次修改都会记录用户名。</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="258" />
        <source>MSC-CRF — start</source>
        <translation>MSC-CRF — 开始</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="259" />
        <source>MSC-CRF electronic case report form</source>
        <translation>MSC-CRF 电子病例报告表</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="261" />
        <source>Your &amp;user name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="262" />
        <source>e.g. nurse.wang</source>
        <translation>例如 nurse.wang</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="263" />
        <source>&amp;Create a new study database…</source>
        <translation>新建研究数据库(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="264" />
        <source>&amp;Open an existing database…</source>
        <translation>打开已有数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="265" />
        <source>Open the &amp;demo study (26 subjects)</source>
        <translation>打开演示研究（26 名受试者）(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/start_dialog.py" line="266" />
        <source>&amp;Recent databases:</source>
        <translation>最近使用的数据库(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>SubjectHeader</name>
    <message>
        <location filename="../../ui/subject_header.py" line="69" />
        <source>New subject</source>
        <translation>新受试者</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="73" />
        <source>the subject ID is assigned when enrolment is saved</source>
        <translation>保存入组表时分配受试者编号</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="76" />
        <source>{age} years</source>
        <translation>{age} 岁</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="83" />
        <source>no infusion yet</source>
        <translation>尚未输注</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="86" />
        <source>Study day {day}</source>
        <translation>研究第 {day} 天</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="88" />
        <source>Days since the first infusion on {day0}</source>
        <translation>自 {day0} 首次输注以来的天数</translation>
    </message>
    <message>
        <location filename="../../ui/subject_header.py" line="96" />
        <source>visit overdue</source>
        <translation>访视逾期</translation>
    </message>
</context>
<context>
    <name>SubjectWorkspace</name>
    <message>
        <location filename="../../ui/subject_workspace.py" line="51" />
        <source>&amp;Enrolment</source>
        <translation>入组(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="52" />
        <source>&amp;Infusions</source>
        <translation>输注(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="53" />
        <source>Visi&amp;ts</source>
        <translation>访视(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="54" />
        <source>&amp;Adverse events</source>
        <translation>不良事件(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="58" />
        <source>&amp;Concomitant medications</source>
        <translation>合并用药(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="61" />
        <source>&amp;Medical history</source>
        <translation>既往病史(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="63" />
        <source>&amp;Disposition</source>
        <translation>研究结局(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="65" />
        <source>Sched&amp;ule</source>
        <translation>访视计划(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="68" />
        <source>Traject&amp;ory</source>
        <translation>病情轨迹(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="201" />
        <source>← Patient list</source>
        <translation>← 患者列表</translation>
    </message>
    <message>
        <location filename="../../ui/subject_workspace.py" line="202" />
        <source>Back to the patient list (Ctrl+L)</source>
        <translation>返回患者列表（Ctrl+L）</translation>
    </message>
</context>
<context>
    <name>TodaysWorkModel</name>
    <message>
        <location filename="../../ui/todays_work.py" line="96" />
        <source>Subject</source>
        <extracomment>Custom role: the subject ID of the line.</extracomment>
        <translation>受试者</translation>
    </message>
    <message>
        <location filename="../../ui/todays_work.py" line="97" />
        <source>Visit</source>
        <translation>访视</translation>
    </message>
    <message>
        <location filename="../../ui/todays_work.py" line="98" />
        <source>Window</source>
        <translation>窗口期</translation>
    </message>
    <message>
        <location filename="../../ui/todays_work.py" line="99" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/todays_work.py" line="121" />
        <source>%n day(s) late</source>
        <translation><numerusform>逾期 %n 天</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/todays_work.py" line="124" />
        <source>%n day(s) left</source>
        <translation><numerusform>剩余 %n 天</numerusform></translation>
    </message>
    <message>
        <location filename="../../ui/todays_work.py" line="127" />
        <source>{visit} of {subject}: window {start} to {end} ({state})</source>
        <translation>{subject} 的{visit}：窗口期 {start} 至 {end}（{state}）</translation>
    </message>
</context>
<context>
    <name>TodaysWorkView</name>
    <message>
        <location filename="../../ui/todays_work.py" line="190" />
        <source>Nothing due today.</source>
        <translation>今天没有到期的访视。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/todays_work.py" line="193" />
        <source>%n overdue</source>
        <translation><numerusform>%n 项逾期</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/todays_work.py" line="193" />
        <source>%n due</source>
        <translation><numerusform>%n 项到期</numerusform></translation>
    </message>
</context>
<context>
    <name>TrajectoryChart</name>
    <message>
        <location filename="../../ui/trajectory_chart.py" line="121" />
        <source>Dashed lines mark infusions. Show:</source>
        <translation>虚线表示输注日期。显示：</translation>
    </message>
    <message>
        <location filename="../../ui/trajectory_chart.py" line="207" />
        <source>Infusion {n}</source>
        <translation>第 {n} 次输注</translation>
    </message>
    <message>
        <location filename="../../ui/trajectory_chart.py" line="219" />
        <source>no values yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
</TS>