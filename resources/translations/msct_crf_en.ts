<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../ui/shell/main_window.py" line="348"/>
        <source>%n subject(s) loaded</source>
        <translation>
            <numerusform>%n subject loaded</numerusform>
            <numerusform>%n subjects loaded</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PatientListView</name>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="219"/>
        <source>%n subject(s)</source>
        <translation>
            <numerusform>%n subject</numerusform>
            <numerusform>%n subjects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="221"/>
        <source>Showing %1 of %n subject(s)</source>
        <translation>
            <numerusform>Showing %1 of %n subject</numerusform>
            <numerusform>Showing %1 of %n subjects</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/patient_list_view.py" line="223"/>
        <source>%n with overdue visits</source>
        <translation>
            <numerusform>%n with overdue visits</numerusform>
            <numerusform>%n with overdue visits</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TodaysWorkModel</name>
    <message numerus="yes">
        <location filename="../../ui/models/todays_work.py" line="89"/>
        <source>%n day(s) late</source>
        <translation>
            <numerusform>%n day late</numerusform>
            <numerusform>%n days late</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/models/todays_work.py" line="92"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>%n day left</numerusform>
            <numerusform>%n days left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TodaysWorkView</name>
    <message numerus="yes">
        <location filename="../../ui/views/todays_work.py" line="84"/>
        <source>%n overdue</source>
        <translation>
            <numerusform>%n overdue</numerusform>
            <numerusform>%n overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/views/todays_work.py" line="84"/>
        <source>%n due</source>
        <translation>
            <numerusform>%n due</numerusform>
            <numerusform>%n due</numerusform>
        </translation>
    </message>
</context>
</TS>
