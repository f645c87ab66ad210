"""Code lists of crf-spec.md, with English and Simplified Chinese labels."""

from __future__ import annotations

from .model import CodeItem, CodeList, Label


def _codelist(name: str, *items: tuple[str, str, str]) -> CodeList:
    return CodeList(name, tuple(CodeItem(code, Label(en, zh)) for code, en, zh in items))


YN = _codelist("YN", ("Y", "Yes", "是"), ("N", "No", "否"))

SEX = _codelist("SEX", ("F", "Female", "女"), ("M", "Male", "男"))

SITES = _codelist(
    "SITE",
    ("GZH", "Guangzhou, Sun Yat-sen Memorial Hospital", "广州 中山大学孙逸仙纪念医院"),
    ("NJG", "Nanjing Drum Tower Hospital", "南京鼓楼医院"),
    ("SHA", "Shanghai Renji Hospital", "上海仁济医院"),
)

DXCAT = _codelist(
    "DXCAT",
    ("AIH", "Autoimmune hepatitis", "自身免疫性肝炎"),
    ("PBC", "Primary biliary cholangitis", "原发性胆汁性胆管炎"),
    ("PSC", "Primary sclerosing cholangitis", "原发性硬化性胆管炎"),
    ("AIH_PBC", "AIH-PBC overlap", "AIH-PBC 重叠综合征"),
    ("AIH_PSC", "AIH-PSC overlap", "AIH-PSC 重叠综合征"),
    ("IGG4_SC", "IgG4-related sclerosing cholangitis", "IgG4 相关硬化性胆管炎"),
    ("SLE", "Systemic lupus erythematosus", "系统性红斑狼疮"),
    ("PSS", "Primary Sjögren's syndrome", "原发性干燥综合征"),
    ("SSC", "Systemic sclerosis", "系统性硬化症"),
    ("OTHER", "Other (specify)", "其他（请注明）"),
)

#: Diagnoses that use the cholestatic bilirubin thresholds of Child-Pugh (crf-spec.md).
CHOLESTATIC_DIAGNOSES = frozenset({"PBC", "PSC", "AIH_PBC", "AIH_PSC"})

CIRRMETH = _codelist(
    "CIRRMETH",
    ("BIOPSY", "Biopsy", "肝穿刺活检"),
    ("IMAGING", "Imaging", "影像学"),
    ("ELASTO", "Elastography", "弹性成像"),
    ("CLINICAL", "Clinical", "临床诊断"),
)

MSC_SOURCE = _codelist(
    "EXSRC",
    ("UC-MSC", "Umbilical cord MSC", "脐带间充质干细胞"),
    ("CB-MSC", "Cord blood MSC", "脐血间充质干细胞"),
    ("BM-MSC", "Bone marrow MSC", "骨髓间充质干细胞"),
)

ROUTE = _codelist(
    "EXROUTE",
    ("PIV", "Peripheral intravenous", "外周静脉"),
    ("OTHER", "Other", "其他"),
)

VS_TIMEPOINT = _codelist(
    "VSTPT",
    ("PRE", "Pre-infusion", "输注前"),
    ("15MIN", "15 min", "15 分钟"),
    ("30MIN", "30 min", "30 分钟"),
    ("60MIN", "60 min", "60 分钟"),
    ("END", "End of infusion", "输注结束"),
    ("2H", "2 h", "2 小时"),
    ("24H", "24 h", "24 小时"),
)

VISIT = _codelist(
    "VISIT",
    ("BASELINE", "Baseline", "基线"),
    ("M1", "Month 1", "第 1 个月"),
    ("M3", "Month 3", "第 3 个月"),
    ("M6", "Month 6", "第 6 个月"),
    ("M12", "Month 12", "第 12 个月"),
    ("M18", "Month 18", "第 18 个月"),
    ("M24", "Month 24", "第 24 个月"),
    ("UNSCHED", "Unscheduled", "计划外访视"),
)

ASCITES = _codelist(
    "ASCITES",
    ("0", "None", "无"),
    ("1", "Mild", "轻度"),
    ("2", "Moderate-severe", "中重度"),
)

HE_GRADE = _codelist(
    "HE",
    ("0", "Grade 0 (none)", "0 级（无）"),
    ("1", "West Haven grade 1", "West Haven 1 级"),
    ("2", "West Haven grade 2", "West Haven 2 级"),
    ("3", "West Haven grade 3", "West Haven 3 级"),
    ("4", "West Haven grade 4", "West Haven 4 级"),
)

CP_CLASS = _codelist(
    "CPCLASS",
    ("A", "Child-Pugh A", "Child-Pugh A 级"),
    ("B", "Child-Pugh B", "Child-Pugh B 级"),
    ("C", "Child-Pugh C", "Child-Pugh C 级"),
)

AE_GRADE = _codelist(
    "AETOXGR",
    ("1", "Grade 1 (mild)", "1 级（轻度）"),
    ("2", "Grade 2 (moderate)", "2 级（中度）"),
    ("3", "Grade 3 (severe)", "3 级（重度）"),
    ("4", "Grade 4 (life-threatening)", "4 级（危及生命）"),
    ("5", "Grade 5 (death)", "5 级（死亡）"),
)

AE_RELATION = _codelist(
    "AEREL",
    ("NOT", "Not related", "无关"),
    ("UNLIKELY", "Unlikely", "可能无关"),
    ("POSSIBLE", "Possible", "可能有关"),
    ("PROBABLE", "Probable", "很可能有关"),
    ("DEFINITE", "Definite", "肯定有关"),
)

AE_ACTION = _codelist(
    "AEACN",
    ("NONE", "None", "无"),
    ("SLOWED", "Infusion slowed", "减慢输注"),
    ("INTERRUPTED", "Infusion interrupted", "暂停输注"),
    ("STOPPED", "Infusion stopped", "停止输注"),
    ("TREATED", "Treatment given", "给予治疗"),
    ("OTHER", "Other", "其他"),
)

AE_OUTCOME = _codelist(
    "AEOUT",
    ("RECOVERED", "Recovered", "痊愈"),
    ("RECOVERING", "Recovering", "好转中"),
    ("NOT_RECOVERED", "Not recovered", "未恢复"),
    ("SEQUELAE", "Recovered with sequelae", "痊愈伴后遗症"),
    ("FATAL", "Fatal", "死亡"),
    ("UNKNOWN", "Unknown", "不详"),
)

CM_CATEGORY = _codelist(
    "CMCAT",
    ("UDCA", "Ursodeoxycholic acid", "熊去氧胆酸"),
    ("STEROID", "Corticosteroid", "糖皮质激素"),
    ("AZA", "Azathioprine", "硫唑嘌呤"),
    ("MMF", "Mycophenolate", "吗替麦考酚酯"),
    ("IMMUNO", "Other immunosuppressant", "其他免疫抑制剂"),
    ("DIURETIC", "Diuretic", "利尿剂"),
    ("BETABLOCK", "Beta-blocker", "β 受体阻滞剂"),
    ("ANTIVIRAL", "Antiviral", "抗病毒药"),
    ("OTHER", "Other", "其他"),
)

CM_ROUTE = _codelist(
    "CMROUTE",
    ("PO", "Oral", "口服"),
    ("IV", "Intravenous", "静脉"),
    ("SC", "Subcutaneous", "皮下"),
    ("IM", "Intramuscular", "肌内"),
    ("TOP", "Topical", "外用"),
    ("OTHER", "Other", "其他"),
)

CM_FREQUENCY = _codelist(
    "CMDOSFRQ",
    ("QD", "Once daily", "每日一次"),
    ("BID", "Twice daily", "每日两次"),
    ("TID", "Three times daily", "每日三次"),
    ("QID", "Four times daily", "每日四次"),
    ("QW", "Once weekly", "每周一次"),
    ("PRN", "As needed", "必要时"),
    ("ONCE", "Once", "单次"),
    ("OTHER", "Other", "其他"),
)

DS_STATUS = _codelist(
    "DSDECOD",
    ("COMPLETED", "Completed", "完成研究"),
    ("DIED", "Died", "死亡"),
    ("LTX", "Liver transplantation", "肝移植"),
    ("LOST", "Lost to follow-up", "失访"),
    ("WITHDREW", "Withdrew consent", "撤回知情同意"),
    ("INVESTIGATOR", "Investigator decision", "研究者决定"),
    ("OTHER", "Other", "其他"),
)
