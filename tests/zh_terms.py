"""Chinese text of the UI, hand-written: node names and descriptions, and input / output names and tooltips
(shared by name across nodes). ``python -m tests.locale_tool`` turns it into locales/zh/nodeDefs.json."""

from __future__ import annotations

NODES: dict[str, tuple[str, str]] = {
    "DashScopeImgWanxTextToImage": (
        "百炼 通义万相 文生图 (wanx-v1)",
        "通义万相 wanx-v1 文生图：十种风格，每次 1-4 张，尺寸 1024×1024、720×1280、768×1152 或 1280×720。支持随机种子：种子相同则结果相同。",
    ),
    "DashScopeImgWanxSimilarImage": (
        "百炼 通义万相 相似图生成 (wanx-v1)",
        "以参考图为依据生成新图：repaint 参考内容，refonly 只参考风格。参考图每边 256-4096 像素、不超过 10 MB；一批 B 张参考图会提交 B 个任务。",
    ),
    "DashScopeImgModernTextToImage": (
        "百炼 万相 / 千问 文生图",
        "当前的文生图模型：万相 2.x（wan2.6-t2i、wan2.5、wan2.2、wanx2.1/2.0）、通义千问 Qwen-Image（qwen-image-2.0 等）与 z-image-turbo。各模型尺寸规则不同，见提示。新模型可直接填入 custom_model，无需更新插件。",
    ),
    "DashScopeImgStableDiffusion": (
        "百炼 Stable Diffusion（已下线）",
        "DashScope 托管的 Stable Diffusion 1.5 / XL / 3.5。服务端已于 2026-03-30 下线：保留节点以兼容旧工作流，报错时会给出替代模型。",
    ),
    "DashScopeImgFlux": (
        "百炼 FLUX（已下线）",
        "DashScope 托管的 FLUX schnell / dev / merged。服务端已于 2026-03-30 下线：保留节点以兼容旧工作流，报错时会给出替代模型。每个任务一张图。",
    ),
    "DashScopeImgInpainting": (
        "百炼 局部重绘",
        "通义万相 wanx-x-painting：按提示词重绘遮罩白色区域。图像与遮罩每边大于 256、小于 4096 像素，不超过 10 MB，尺寸一致。开启 composite 时把结果按原尺寸只贴回遮罩内，遮罩外像素与原图完全一致。仅限免费额度。",
    ),
    "DashScopeImgErase": (
        "百炼 图像擦除补全",
        "image-erase-completion：擦除遮罩覆盖的内容并自然补全；可选保留遮罩保护前景。图像每边 512-4096 像素。可接在人物实例分割与挑选人物遮罩之后，擦除指定人物。仅限免费额度。",
    ),
    "DashScopeImgOutpainting": (
        "百炼 扩图",
        "image-out-painting：向画面外扩展。四种方式：目标比例、缩放倍数（每轴 1-3 倍）、每边像素偏移、仅旋转。图像每边 512-4096 像素，结果宽高比须在 1:4 到 4:1 之间。服务端已于 2026-10-10 下线，替代：万相图像编辑 expand。",
    ),
    "DashScopeImgPersonSegmentation": (
        "百炼 人物实例分割",
        "image-instance-segmentation：为画面中每个人生成一张遮罩。输出每人遮罩、全部人物遮罩、标签图（像素值×255 即人物编号）、彩色预览与人数。接“挑选人物遮罩”可选择人物。仅限免费额度。",
    ),
    "DashScopeImgPickPersons": (
        "百炼 挑选人物遮罩",
        "从人物实例分割结果中选择人物并合并遮罩，例如 “all except 2” 表示除 2 号外的所有人。本地运行，不发请求，不计费。",
    ),
    "DashScopeImgBackground": (
        "百炼 背景生成",
        "wanx-background-generation-v2：为商品或人物生成新背景。前景可为带透明通道的图，或图像加遮罩（1 = 前景）。用背景描述和/或参考图指定背景（至少其一）。长边不超过 2048 像素。model_version v3 更慢但更好。服务端已于 2026-10-10 下线。",
    ),
    "DashScopeImgSketch": (
        "百炼 涂鸦作画",
        "wanx-sketch-to-image-lite：把线稿（白底黑线）画成作品。invert 反转白线黑底，binarize 变为纯黑白。线稿每边 256-2048 像素，结果 768×768。",
    ),
    "DashScopeImgWanEdit": (
        "百炼 万相 指令编辑",
        "wanx2.1-imageedit：按指令编辑图片，支持全局/局部风格化、指令编辑、带遮罩编辑、去水印、扩图、超分、上色、涂鸦、卡通形象控制。图像每边 512-4096 像素。",
    ),
    "DashScopeImgQwenEdit": (
        "百炼 千问 指令编辑",
        "通义千问 Qwen-Image 图像编辑：1-3 张图加一条指令（结果沿用最后一张图的宽高比）。qwen-image-2.0 为当前模型；qwen-image-edit 系列已于 2026-10-10 下线。",
    ),
    "DashScopeImgCosplay": (
        "百炼 人像动漫化 Cosplay（已下线）",
        "wanx-style-cosplay-v1：把人脸放进角色模板（3D 卡通）。服务端已于 2025-07-02 下线，最接近的替代：人像风格重绘。",
    ),
    "DashScopeImgStyleRepaint": (
        "百炼 人像风格重绘",
        "wanx-style-repaint-v1：把人像重绘为 23 种预设风格之一，或参考你提供的风格图。人像 256×256 到 5760×3240 像素，宽高比不超过 2:1，不超过 10 MB。结果短边 1536 像素。",
    ),
    "DashScopeImgFaceCheck": (
        "百炼 FaceChain 人脸检测",
        "facechain-facedetect：训练或免训练生成前检查 1-5 张照片：哪些可用、其余为何不合格。照片每边 256-4096 像素，不超过 5 MB。",
    ),
    "DashScopeImgFaceChainTrain": (
        "百炼 FaceChain 人物形象训练",
        "facechain-finetune：用人物照片训练专属形象（LoRA），输出资源 ID，可在任何工作流中复用而无需重新训练。训练需数分钟，节点会显示进度。按次计费。",
    ),
    "DashScopeImgFaceChainGenerate": (
        "百炼 FaceChain 人物写真",
        "facechain-generation：免训练模式用 1-5 张照片加模板图；LoRA 模式用训练得到的资源 ID，配预设风格（768×1024）或模板。每次 1-5 张。服务端已于 2026-10-10 下线。",
    ),
    "DashScopeImgVirtualModel": (
        "百炼 虚拟模特",
        "保留真人模特照中的服装，生成新的模特、面部与场景。照片每边 256-4096 像素，宽高比 1:2 到 2:1，不超过 5 MB。遮罩白色 = 要保留的服装，尺寸与照片一致。仅限免费额度。",
    ),
    "DashScopeImgShoeModel": (
        "百炼 鞋靴模特",
        "shoemodel-v1：给模特穿上你的鞋。模板为腿脚（膝盖可见）或站立的人；鞋 1-2 个视角。宽高比 2:3 到 3:2，不超过 5 MB。仅限免费额度。",
    ),
    "DashScopeImgPoster": (
        "百炼 创意海报",
        "通义万相 创意海报：把主标题、副标题与正文绘入海报。主/副标题各不超过 30 字，正文 50 字，中英文提示词合计 50 字/词。generate 生成 1-4 张；sr（超分）与 hrf（高清修复）需接入一行辅助参数。输出海报、无字背景与辅助参数。仅限免费额度。",
    ),
    "DashScopeImgWordArtTexture": (
        "百炼 锦书 文字纹理",
        "wordart-texture：给文字加材质、场景或光影纹理。输入不超过 6 个字加字体，或白字黑底的文字图（IMAGE 或 MASK）。开启透明通道时输出抠好的文字（IMAGE + MASK）。服务端已于 2026-10-10 下线。",
    ),
    "DashScopeImgWordArtSemantic": (
        "百炼 锦书 文字变形",
        "wordart-semantic：按提示词让字形变形（如“春”字长出花枝），输出黑底白字的遮罩与图像及 SVG 地址。文字不超过 6 个，提示词 1-200 字，步数 10-100。服务端已于 2026-10-10 下线。",
    ),
    "DashScopeImgWordArtSurnames": (
        "百炼 锦书 百家姓（已下线）",
        "wordart-surnames：把一个姓氏字融入插画场景，可用预设风格或自定义提示词，可选参考图。服务端已于 2025-07-02 下线。",
    ),
}

INPUTS: dict[str, tuple[str, str]] = {
    "add_watermark": ("添加水印", "添加服务端的 AI 生成标识。"),
    "alpha_channel": ("透明通道", "输出透明背景的文字（IMAGE + MASK）。"),
    "angle": ("旋转角度", "先逆时针旋转（0-359 度）；“仅旋转”不能用 0、90、180、270。"),
    "aspect_ratio": ("宽高比", "仅 v2：输出宽高比。"),
    "auxiliary_parameters": ("辅助参数", "sr / hrf 模式：接入一次 generate 输出的一行辅助参数。"),
    "background": ("背景图", "可选背景图（长边不超过 4096 像素，宽高比不超过 2:1）。"),
    "background_edge": ("背景边缘引导", "可选：背景的边缘线稿（RGBA）。"),
    "background_edge_prompt": ("背景边缘描述", "背景边缘引导图所表示的内容。"),
    "best_quality": ("最佳质量", "效果更好但慢得多。"),
    "bgstyle_scale": ("背景风格强度", "仅 v2：贴近背景图的程度（0-1）。"),
    "binarize": ("二值化", "发送纯黑线白底。"),
    "body_text": ("正文", "正文，可选，不超过 50 字。"),
    "bottom_offset": ("下边扩展", "偏移模式：向下扩展的像素。"),
    "bottom_scale": ("下边扩展倍数", "expand：下边扩展倍数（1-2）。"),
    "composite": ("贴回原图", "把结果按原尺寸只贴回遮罩内，遮罩外保持原图。"),
    "creative_title_layout": ("创意标题排版", "让模型创意排布标题。"),
    "ctrl_ratio": ("文字保留度", "排版保证文字清晰的程度（0-1）。"),
    "ctrl_step": ("排版步数占比", "遵循文字排版的步数比例（大于 0，至多 1）。"),
    "custom_model": (
        "自定义模型",
        "填写任意 DashScope 模型名（如更新的 wan2.x 或 qwen-image），将覆盖上面的模型选择；留空则使用列表。",
    ),
    "dilate": ("膨胀遮罩", "先把遮罩略微扩大；配合分割遮罩时建议开启。"),
    "face": ("人脸照片", "清晰的人脸照片；一批照片逐张提交任务。"),
    "face_prompt": ("面部描述", "面部描述，少于 100 字。"),
    "fast_mode": ("快速模式", "更快但细节较少；此时无需保留遮罩。"),
    "font_file": (
        "自定义字体文件",
        "ComfyUI 输入目录 fonts 文件夹中的 .ttf/.otf（优先于预设字体），会上传到 DashScope 临时存储。",
    ),
    "font_name": (
        "预设字体",
        "dongfangdakai 东方大楷、puhuiti_m 阿里巴巴普惠体、shuheiti 庞门正道标题体、jinbuti 金步体、kuheiti 站酷酷黑体、kuaileti 站酷快乐体、"
        "wenyiti 站酷文艺体、logoti 站酷庆科黄油体、cangeryuyangti_m 仓耳与墨、siyuansongti_b 思源宋体、siyuanheiti_m 思源黑体、"
        "fangzhengkaiti 方正楷体。",
    ),
    "foreground": ("前景", "商品或人物：RGBA 图，或 RGB 图加遮罩。长边不超过 2048 像素。"),
    "foreground_edge": ("前景边缘引导", "可选：前景的边缘线稿（RGBA）。"),
    "foreground_edge_prompt": ("前景边缘描述", "前景边缘引导图所表示的内容。"),
    "function": (
        "编辑功能",
        "description_edit 指令编辑、description_edit_with_mask 局部重绘、stylization_all 全局风格化、stylization_local 局部风格化、"
        "remove_watermark 去文字水印、expand 扩图、super_resolution 超分、colorization 上色、doodle 线稿生图、"
        "control_cartoon_feature 参考卡通形象；只发送该功能自己的参数。",
    ),
    "generate_mode": ("生成模式", "generate：新海报；sr：超分；hrf：高清修复（后两者需辅助参数）。"),
    "generate_num": ("海报数量", "generate 模式下的海报数量（1-4），每张计费。"),
    "guidance": ("引导强度", "引导强度（约 3.5）。"),
    "height": ("高度", "输出高度（像素），规则见节点说明。"),
    "image": ("图像", "输入图像；一批图像逐张提交任务。"),
    "image_2": ("图像 2", "可选的第 2 张图。"),
    "image_3": ("图像 3", "可选的第 3 张图。"),
    "image_short_size": ("短边尺寸", "结果短边，512-1024（64 的倍数）。"),
    "invert": ("反相", "输入为深底浅线时反转。"),
    "is_sketch": ("输入为线稿", "doodle：输入已是线稿。"),
    "keep_mask": ("保留遮罩", "可选：白色（1）= 必须保持不变的区域，尺寸与图像一致。"),
    "left_offset": ("左边扩展", "偏移模式：向左扩展的像素；左右之和小于宽度的 3 倍。"),
    "left_scale": ("左边扩展倍数", "expand：左边扩展倍数（1-2）。"),
    "limit_image_size": ("限制结果大小", "让结果小于 5 MB（建议开启）。"),
    "lora_name": ("海报风格", "海报风格；none 表示模型默认。"),
    "lora_weight": ("风格强度", "风格强度（0-1）。"),
    "mask": ("遮罩", "白色（1）= 要处理的区域，尺寸与图像一致；一张遮罩用于整批，或每张图一张。"),
    "mode": ("模式", "选择方式；只发送该方式的参数。"),
    "model": ("模型", "使用的模型；提示中注明各模型的状态（已下线、仅限免费额度等）。"),
    "model_index": ("模板编号", "1 = 3D 卡通（唯一有文档的取值）。"),
    "model_version": ("引擎版本", "v2：快；v3：更慢、更好。"),
    "n": ("数量", "生成张数，每张计费。"),
    "neg_ref_prompt": ("背景反向描述", "背景中不希望出现的内容，可选。"),
    "negative_prompt": ("反向提示词", "不希望出现的内容，可选，不超过 500 字。"),
    "noise_level": ("噪声强度", "有参考图时：越高越不像参考图（0-999）。"),
    "output_image_ratio": ("输出比例", "输出宽高比。"),
    "output_ratio": ("目标比例", "比例模式：结果的宽高比。"),
    "person_masks": ("人物遮罩", "人物实例分割输出的 person_masks。"),
    "photos": ("人物照片", "同一人的正面照片，每张一张脸（一批）。"),
    "portrait": ("人像", "人像照片；一批照片逐张提交任务。"),
    "predefined_face": ("预设面孔", "仅 v1：预设面孔。"),
    "preset_style": (
        "预设风格",
        "仅“LoRA + 预设风格”模式：f_idcard 证件照、f_business 商务照、m_springflower 春日花海、f_summersport 夏日运动、"
        "f_autumnleaf 秋日落叶、m_winterchinese 冬日国风、f_hongkongvintage 港风复古、f_lightportray 轻写真（male 男 / female 女）。",
    ),
    "prompt": ("提示词", "描述要生成的内容，中英文均可；字数上限见节点说明。"),
    "prompt_extend": ("提示词扩写", "让服务端用大模型改写提示词（约多 3-4 秒）。"),
    "prompt_text_en": ("英文提示词", "英文提示词（与中文提示词至少填一个）。"),
    "prompt_text_zh": ("中文提示词", "画面描述（中文），与英文提示词合计不超过 50 字/词。"),
    "real_person": ("真人模特", "仅 v2：关闭则为人台。"),
    "ref_mode": ("参考方式", "repaint：参考内容；refonly：只参考风格。"),
    "ref_prompt": ("背景描述", "要生成的背景（约 120 个汉字或 150 个英文单词以内）。"),
    "ref_prompt_weight": ("描述权重", "同时有参考图与背景描述时，文字的权重（0-1）。"),
    "ref_strength": ("参考强度", "与参考图的相似度（0-1），越高越接近。"),
    "reference": ("参考图", "参考图像。"),
    "resource_id": ("资源 ID", "LoRA 模式：人物形象训练得到的资源 ID（可复用）。"),
    "right_offset": ("右边扩展", "偏移模式：向右扩展的像素。"),
    "right_scale": ("右边扩展倍数", "expand：右边扩展倍数（1-2）。"),
    "scale": ("强度", "引导强度 / 颜色强度，范围见节点说明。"),
    "scene_type": ("场景类型", "GENERAL 通用、ROOM 室内、COSMETIC 美妆；服务端已弃用，none 表示不发送。"),
    "seed": ("随机种子", "种子与输入不变时 ComfyUI 复用上次（已付费）的结果；改变种子或设为随机以生成新图。"),
    "selection": ("选择", "人物编号：“2”、“1,3”、“2-4”、“all” 或 “all except 2”。"),
    "shoes": ("鞋子", "鞋子图片，1-2 个视角（一批）。"),
    "shoes_2": ("鞋子 2", "同一双鞋的另一视角。"),
    "short_side_size": ("短边尺寸", "输出短边：v1 为 512 或 1024；v2 为 1024 或 2048。"),
    "size": ("尺寸", "输出尺寸（宽*高）。"),
    "sketch": ("线稿", "白底深色线条；每边 256-2048 像素。"),
    "sketch_extraction": ("提取线稿", "输入为照片时由服务端提取边缘（此时跳过反相/二值化）。"),
    "sketch_weight": ("线稿权重", "遵循线条的严格程度（0-10）。"),
    "skin_retouch": ("美肤", "仅免训练模式：磨皮美肤。"),
    "steps": ("步数", "推理步数。"),
    "strength": ("修改强度", "stylization_all 与 description_edit：修改幅度（0-1）。"),
    "style": (
        "风格",
        "风格取值（发送给服务端的值保持英文）：<auto> 自动，<photography> 摄影，<portrait> 人像写真，<3d cartoon> 3D卡通，"
        "<anime> 动画，<oil painting> 油画，<watercolor> 水彩，<sketch> 素描，<chinese painting> 中国画，<flat illustration> 扁平插画；"
        "百家姓的风格为各预设场景；人像重绘的风格名中已附中文。",
    ),
    "style_reference": ("风格参考图", "风格选 custom 时：要参考其风格的图片。"),
    "sub_title": ("副标题", "副标题，可选，不超过 30 字。"),
    "surname": ("姓氏", "恰好一个字。"),
    "template": ("模板图", "模板图片。"),
    "text": ("文字", "文字内容，不超过 6 个字。"),
    "text_image": ("文字图", "白字黑底的文字图，代替输入文字。"),
    "text_inverse": ("文字反相", "反转文字明暗。"),
    "text_mask": ("文字遮罩", "文字遮罩（1 = 文字），代替输入文字。"),
    "text_strength": ("文字强度", "文字显现的强度（0-1）。"),
    "texture_style": (
        "纹理风格",
        "material 材质、scene 场景、lighting 光影（按提示词生成）；预设：waterfall 瀑布、snow_plateau 雪域高原、forest 森林、sky 天空、"
        "chinese_building 中式建筑、cartoon 卡通、lego 乐高、flower 花卉、acrylic 亚克力、marble 大理石、felt 毛毡、oil_painting 油画、"
        "watercolor_painting 水彩、chinese_painting 国画、claborate_style_painting 工笔、city_night 城市夜景、mountain_lake 湖光山色、"
        "autumn_leaves 秋叶、green_dragon 青龙、red_dragon 赤龙（预设忽略提示词与字体）。",
    ),
    "threshold": ("阈值", "二值化时亮度低于此值的成为黑线。"),
    "timeout_minutes": ("超时（分钟）", "等待超过此时长即停止等待（训练任务仍在服务端继续）。"),
    "title": ("主标题", "主标题，必填，不超过 30 字。"),
    "top_offset": ("上边扩展", "偏移模式：向上扩展的像素；上下之和小于高度的 3 倍。"),
    "top_scale": ("上边扩展倍数", "expand：上边扩展倍数（1-2）。"),
    "upscale_factor": ("放大倍数", "super_resolution：1 仅增强，最多 4 倍。"),
    "watermark": ("水印", "添加服务端的“AI生成”标识。"),
    "wh_ratios": ("版式", "横版或竖版。"),
    "width": ("宽度", "输出宽度（像素），规则见节点说明。"),
    "x_scale": ("水平扩展倍数", "缩放模式：水平扩展倍数（1-3），居中。"),
    "y_scale": ("垂直扩展倍数", "缩放模式：垂直扩展倍数（1-3），居中。"),
}

OUTPUTS: dict[str, tuple[str, str]] = {
    "all_passed": ("全部通过", "所有照片均通过时为真。"),
    "all_persons": ("全部人物", "每张图中所有人物合成的遮罩。"),
    "alpha": ("透明通道", "每张图的透明通道（1 = 不透明）；无透明度时全为 1。"),
    "auxiliary_parameters": ("辅助参数", "每张海报一行，供 sr / hrf 精修使用。"),
    "backgrounds": ("无字背景", "同一批海报的无字背景。"),
    "count": ("人数", "检测到的人数（所有图片合计）。"),
    "images": ("图像", "服务端返回的全部图像（RGB 一批；尺寸不同的按第一张缩放）。"),
    "inverse": ("反选", "未选中的部分（1 = 未选中）。"),
    "label": ("标签图", "像素值 ×255 即人物编号（0 为背景）。"),
    "mask": ("遮罩", "选中的人物合并后的遮罩。"),
    "passed": ("通过数", "通过检测的照片数量。"),
    "passed_photos": ("合格照片", "通过检测的照片，可直接用于训练或免训练生成。"),
    "person_masks": ("人物遮罩", "每人一张遮罩，按服务端编号。"),
    "posters": ("海报", "生成的海报。"),
    "preview": ("预览", "服务端的彩色分割预览。"),
    "report": ("检测报告", "每张照片一行：合格，或不合格的原因。"),
    "resource_id": ("资源 ID", "训练得到的人物形象资源 ID，可复用。"),
    "svg_urls": ("SVG 地址", "文字的 SVG 版本地址，每行一个（24 小时后失效）。"),
    "task_ids": ("任务 ID", "DashScope 任务 ID，每行一个；联系阿里云支持时请提供。"),
    "text_mask": ("文字遮罩", "变形后的文字遮罩（1 = 文字）。"),
    "urls": ("结果地址", "结果图地址，每行一个，24 小时后失效。"),
}
