"""The certification bodies of the demo register."""

from typing import Final

CERTIFICATION_BODIES: Final[list[dict[str, str]]] = [
    {
        "code": "CNCA-R-2016-188",
        "name_zh": "中衡质量认证有限公司",
        "name_en": "Zhongheng Quality Certification Co., Ltd.",
        "prefix": "ZHQ",
    },
    {
        "code": "CNCA-R-2017-101",
        "name_zh": "华信服务认证中心有限公司",
        "name_en": "Huaxin Service Certification Center Co., Ltd.",
        "prefix": "HXS",
    },
    {
        "code": "CNCA-R-2018-236",
        "name_zh": "博森服务认证有限公司",
        "name_en": "Bosen Service Certification Co., Ltd.",
        "prefix": "BSC",
    },
    {
        "code": "CNCA-R-2019-157",
        "name_zh": "正源认证有限公司",
        "name_en": "Zhengyuan Certification Co., Ltd.",
        "prefix": "ZYC",
    },
    {
        "code": "CNCA-R-2020-214",
        "name_zh": "泓安认证服务有限公司",
        "name_en": "Hong'an Certification Service Co., Ltd.",
        "prefix": "HAC",
    },
    {
        "code": "CNCA-R-2021-179",
        "name_zh": "瑞衡检验认证有限公司",
        "name_en": "Ruiheng Inspection and Certification Co., Ltd.",
        "prefix": "RHIC",
    },
]
