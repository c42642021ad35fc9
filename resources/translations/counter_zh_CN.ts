<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CounterStatusBar</name>
    <message>
        <location filename="../../ui/status_bar.py" line="+124"/>
        <source>Store {0}</source>
        <translation>门店 {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checking HQ…</source>
        <translation>正在检查总部连接…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>HQ not configured</source>
        <translation>未配置总部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No HQ address is set; this counter works on its own cache.</source>
        <translation>尚未设置总部地址，本机仅使用本地数据。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ cannot be reached; work continues and is sent later. {0}</source>
        <translation>无法连接总部；可继续营业，操作将在恢复连接后上传。{0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Online · clock off by {0} min</source>
        <translation>在线 · 时钟偏差 {0} 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This PC&apos;s clock differs from HQ&apos;s; ask store IT to set it right.</source>
        <translation>本机时钟与总部不一致，请联系门店 IT 校准。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>HQ is reachable.</source>
        <translation>总部连接正常。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cache unreadable</source>
        <translation>本地数据无法读取</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pending {0}</source>
        <translation>待同步 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · problems {0}</source>
        <translation> · 问题 {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Operations waiting to be sent to HQ, and rejected ones to look at.</source>
        <translation>等待上传总部的操作，以及需要处理的被拒操作。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Last sync {0}</source>
        <translation>上次同步 {0}</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../ui/crash_dialog.py" line="+100"/>
        <source>Something went wrong</source>
        <translation>程序出错了</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The program ran into a problem it did not expect.</source>
        <translation>程序遇到了一个意外问题。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Please restart the program. If it happens again, give the file below to store IT.</source>
        <translation>请重启程序；如果再次出现，请把下面的文件交给门店 IT。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Report saved to: {0}</source>
        <translation>错误报告已保存到：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The report could not be saved; copy the details instead.</source>
        <translation>错误报告未能保存，请复制详细信息。</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+31"/>
        <source>Show details</source>
        <translation>显示详细信息</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Hide details</source>
        <translation>隐藏详细信息</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="+12"/>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer service</source>
        <translation>客服</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Basic member</source>
        <translation>普通会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Silver member</source>
        <translation>银卡会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gold member</source>
        <translation>金卡会员</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Member Counter</source>
        <translation>门店会员柜台</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock_screen.py" line="+25"/>
        <source>The counter is locked</source>
        <translation>柜台已锁定</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login_dialog.py" line="+310"/>
        <source>{0} — sign in</source>
        <translation>{0} — 登录</translation>
    </message>
</context>
<context>
    <name>LoginForm</name>
    <message>
        <location line="-202"/>
        <source>Sign in to the counter</source>
        <translation>登录柜台</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+38"/>
        <source>4–8 digits</source>
        <translation>4–8 位数字</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+42"/>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Welcome: create the store manager</source>
        <translation>欢迎使用：请先创建店长账号</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This counter has no operators yet. Create the store manager&apos;s account first; the manager signs in with this PIN.</source>
        <translation>本机还没有操作员。请先创建店长账号，店长以后用这个 PIN 码登录。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Create and sign in</source>
        <translation>创建并登录</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Manager&apos;s name</source>
        <translation>店长姓名</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>PIN again</source>
        <translation>再次输入 PIN 码</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Type your PIN, then press Enter.</source>
        <translation>请输入 PIN 码，然后按回车。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The two PINs differ. Type the same PIN twice.</source>
        <translation>两次输入的 PIN 码不一致，请重新输入。</translation>
    </message>
</context>
<context>
    <name>LookupBar</name>
    <message>
        <location filename="../../ui/lookup_bar.py" line="+73"/>
        <source>Scan a member card, or type the card number</source>
        <translation>请扫描会员卡，或输入卡号</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Card number check failed; please scan again.</source>
        <translation>卡号校验失败，请重新扫描</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This version finds members by their 16-digit card number only.</source>
        <translation>当前版本仅支持按 16 位卡号查找会员。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No member found for card {0}.</source>
        <translation>未找到卡号为 {0} 的会员。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Member found: {0}</source>
        <translation>已找到会员：{0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+106"/>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lock the counter now; sign in to go on</source>
        <translation>立即锁定柜台，登录后继续</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close the program</source>
        <translation>关闭程序</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Find member</source>
        <translation>查找会员(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Put the cursor in the scan field</source>
        <translation>将光标移到扫码框</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Check HQ connection</source>
        <translation>检查总部连接(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask HQ now whether it can be reached</source>
        <translation>立即检查能否连接总部</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the folder with the log files, for store IT</source>
        <translation>打开存放日志文件的文件夹，供门店 IT 排查</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version, store and where the data is kept</source>
        <translation>版本、门店和数据存放位置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Member</source>
        <translation>会员(&amp;M)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Sync</source>
        <translation>同步(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>{0} {1}
Store: {2}
Data folder: {3}
Python {4} · Qt {5} · PySide6 {6} · {7}</source>
        <translation>{0} {1}
门店：{2}
数据目录：{3}
Python {4} · Qt {5} · PySide6 {6} · {7}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../ui/member_panel.py" line="+48"/>
        <source>Scan a member card</source>
        <translation>请扫描会员卡</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>or type the 16-digit card number above and press Enter</source>
        <translation>或在上方输入 16 位卡号后按回车</translation>
    </message>
    <message>
        <location line="+109"/>
        <source>Drug allergy on record: check with the pharmacist before selling medicine.</source>
        <translation>⚠ 该会员有药物过敏记录，售药前请与药师核对。</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member no.</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cards</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>New at this store, not yet confirmed by HQ</source>
        <translation>本店新登记，待总部确认</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not assigned yet (HQ assigns it)</source>
        <translation>待总部分配</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no card</source>
        <translation>未绑定会员卡</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Allergic to {0}: check with the pharmacist before selling medicine.</source>
        <translation>⚠ 该会员对{0}过敏，售药前请与药师核对。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>HQ balance {0:,}; nothing pending</source>
        <translation>总部余额 {0:,}，无待同步积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ balance {0:,} {1} {2:,} pending at this store</source>
        <translation>总部余额 {0:,} {1} 本店待同步 {2:,}</translation>
    </message>
</context>
</TS>
