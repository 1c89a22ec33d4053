"""Chinese for the words Click and Typer print themselves (help option, panel titles, type labels).

Click and Typer look their strings up through gettext when they print, and ship no Chinese, so the
`_` they call is swapped for one that knows these few strings. Imported once by cli_app."""

from __future__ import annotations

from gettext import gettext

ZH = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Arguments": "参数", "Options": "选项", "Commands": "命令", "Error": "错误",
    "Usage:": "用法：", "Usage": "用法", "Aborted!": "已中止。", "Aborted.": "已中止。",
    "default: {default}": "默认：{default}", "required": "必填", "[required]": "[必填]",
    "[default: {}]": "[默认：{}]", "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "输入 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "Try '{command} {option}' for help.": "输入 '{command} {option}' 查看帮助。",
    "Missing argument '{param_name}'.": "缺少参数 '{param_name}'。",
    "No such option: {name}": "没有选项：{name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
}
TYPE_ZH = {"<str>": "<文本>", "<path>": "<路径>", "<file>": "<文件>", "<directory>": "<目录>",
           "<int>": "<整数>", "<float>": "<数值>", "<integer>": "<整数>", "<text>": "<文本>"}


def zh(message: str) -> str:
    """The Chinese of a Click/Typer message, or gettext's answer for any other."""
    return ZH.get(message, gettext(message))


def install() -> None:
    """Swap the lookups in Click and Typer (import-time constants of typer.rich_utils set directly)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import importlib

    import typer.core

    mods = [click.core, click.decorators, click.exceptions, click.formatting, typer.core]
    for vendored in ("core", "decorators", "exceptions", "formatting", "parser"):  # Typer ships its own Click
        try:
            mods.append(importlib.import_module(f"typer._click.{vendored}"))
        except ImportError:
            pass
    for mod in mods:
        if hasattr(mod, "_"):
            mod._ = zh  # type: ignore[attr-defined]
    try:
        import typer.rich_utils as ru
    except ImportError:  # rich not installed: plain Click help, already covered above
        ru = None
    if ru is not None:
        for name in ("ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "ERRORS_PANEL_TITLE",
                     "ABORTED_TEXT", "RICH_HELP", "DEFAULT_STRING", "REQUIRED_LONG_STRING"):
            en = {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
                  "COMMANDS_PANEL_TITLE": "Commands", "ERRORS_PANEL_TITLE": "Error", "ABORTED_TEXT": "Aborted.",
                  "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
                  "DEFAULT_STRING": "[default: {}]", "REQUIRED_LONG_STRING": "[required]"}[name]
            setattr(ru, name, ZH[en])
        ru._ = zh  # type: ignore[attr-defined]
    commands = [click.core.Command] + [m.Command for m in mods if m.__name__ == "typer._click.core"]
    for command in commands:
        _patch_help(command)
    for cls in (typer.core.TyperOption, typer.core.TyperArgument):
        original = cls.display_type_rich

        def display_type_rich(self, ctx, _orig=original):
            label = _orig(self, ctx)
            if label == "<bool>" and isinstance(self, typer.core.TyperOption) and self.is_flag:
                return None  # a flag takes no value: no type to show
            return TYPE_ZH.get(label, label) if label else label

        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _patch_help(command: type) -> None:
    """Chinese help text on the --help option (Click builds it once per command and caches it)."""
    orig = command.get_help_option

    def get_help_option(self, ctx, _orig=orig):
        opt = _orig(self, ctx)
        if opt is not None and opt.help in ZH:
            opt.help = ZH[opt.help]
        return opt

    command.get_help_option = get_help_option  # type: ignore[method-assign]
