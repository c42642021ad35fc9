<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionsMixin</name>
    <message>
        <location filename="../../ui/shell/actions.py" line="+31"/>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lock the counter now; sign in to go on</source>
        <translation>立即锁定柜台，登录后继续</translation>
    </message>
    <message>
        <location line="+6"/>
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
        <source>Re&amp;gister a member…</source>
        <translation>登记会员(&amp;G)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Register a new member (service and manager; for a cashier F2 finds)</source>
        <translation>登记新会员（客服和店长；收银员按 F2 为查找）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Clear</source>
        <translation>清除(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take the member or the pick list off the screen; ready for the next scan</source>
        <translation>清除屏幕上的会员或候选列表，准备下一次扫码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show &amp;name and phone</source>
        <translation>显示姓名和手机号(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the member&apos;s full name and phone (service and manager; audited)</source>
        <translation>显示该会员的完整姓名和手机号（限客服和店长；记入审计日志）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>P&amp;rofile and health…</source>
        <translation>资料与健康档案(&amp;R)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The member&apos;s profile, health record, consents and card (service, manager)</source>
        <translation>会员资料、健康档案、授权同意和会员卡（限客服和店长）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Earn points for a sale…</source>
        <translation>销售积分(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for the sale of the member on screen: receipt, total, Enter (all)</source>
        <translation>为屏幕上的会员按小票积分：小票号、总额、回车（所有角色）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Redeem points…</source>
        <translation>积分兑换(&amp;R)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeem a reward from HQ&apos;s catalogue for the member on screen (all)</source>
        <translation>为屏幕上的会员兑换总部目录中的商品（所有角色）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today&apos;s &amp;work list…</source>
        <translation>今日工作(&amp;W)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Care plan tasks, refill reminders, follow-up visits and birthdays due (service, manager)</source>
        <translation>到期的随访计划任务、续药提醒、投诉回访和生日问候（限客服和店长）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Log a complaint…</source>
        <translation>登记投诉(&amp;L)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log a customer&apos;s complaint; the member on screen is attached (all roles)</source>
        <translation>登记顾客投诉；自动关联屏幕上的会员（所有角色）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Complaints list…</source>
        <translation>投诉列表(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow complaints through to the follow-up visit (service, manager)</source>
        <translation>跟进投诉直至回访（客服、店长）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Points &amp;history…</source>
        <translation>积分明细(&amp;H)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The member&apos;s points: history, balance, tier, expiring; refunds (all roles)</source>
        <translation>会员积分：明细、余额、等级、即将过期；退货扣分（所有角色）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Activity points…</source>
        <translation>活动积分(&amp;A)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Award points for an activity, with a reason (service, manager)</source>
        <translation>按活动原因发放积分（客服、店长）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Manager&apos;s desk…</source>
        <translation>店长工作台(&amp;M)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operators, the audit trail and the store&apos;s figures (store manager)</source>
        <translation>操作员、审计记录和门店数据（店长）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Change my &amp;PIN…</source>
        <translation>修改我的 PIN(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change your own PIN: the current one, then the new one twice</source>
        <translation>修改自己的 PIN：先输入当前 PIN，再输入两次新 PIN</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Outreach lists…</source>
        <translation>会员行销名单(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New members, birthdays, lapsed members by tier or district; export to CSV (service, manager)</source>
        <translation>新会员、近期生日、久未到店会员，可按等级或区域筛选；导出 CSV（服务专员、店长）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Member&apos;s &amp;phone (demo)…</source>
        <translation>会员手机（演示）(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show a member&apos;s dynamic code as the member app does, and scan it</source>
        <translation>像会员 App 一样显示会员动态码，并可扫码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scan with camera</source>
        <translation>摄像头扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read member cards and codes with this PC&apos;s camera</source>
        <translation>用本机摄像头读取会员卡和会员码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send this counter&apos;s work to HQ and fetch HQ&apos;s changes now</source>
        <translation>立即把本机的操作发送到总部，并取回总部的更新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Problems…</source>
        <translation>问题列表(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operations HQ rejected, for a store manager to retry or dismiss</source>
        <translation>被总部拒绝的操作，由店长重试或忽略</translation>
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
        <location line="+7"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Member</source>
        <translation>会员(&amp;M)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Points</source>
        <translation>积分(&amp;P)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>C&amp;omplaints</source>
        <translation>投诉(&amp;O)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Sync</source>
        <translation>同步(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>AddOperatorDialog</name>
    <message>
        <location filename="../../ui/manager/operator_dialogs.py" line="+156"/>
        <source>Add an operator</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Name</source>
        <translation>姓名(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Role</source>
        <translation>角色(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;PIN</source>
        <translation>PIN(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN &amp;again</source>
        <translation>再次输入 PIN(&amp;A)</translation>
    </message>
</context>
<context>
    <name>AuditLabels</name>
    <message>
        <location filename="../../ui/manager/audit_labels.py" line="+14"/>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in refused</source>
        <translation>登录被拒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locked after wrong PINs</source>
        <translation>PIN 输错过多被锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlocked by a manager</source>
        <translation>店长解除锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operator added</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role changed</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operator disabled</source>
        <translation>停用操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operator enabled</source>
        <translation>启用操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN reset by a manager</source>
        <translation>店长重设 PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Own PIN changed</source>
        <translation>修改自己的 PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Own PIN change refused</source>
        <translation>修改自己的 PIN 被拒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Member registered</source>
        <translation>登记会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profile changed</source>
        <translation>修改会员资料</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name and phone shown</source>
        <translation>显示姓名和手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profile opened</source>
        <translation>打开会员资料</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health information seen</source>
        <translation>查看健康信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health record saved</source>
        <translation>保存健康档案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent given</source>
        <translation>记录同意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent withdrawn</source>
        <translation>撤回同意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card bound</source>
        <translation>绑定会员卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>积分累计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points redeemed</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points reversed (refund)</source>
        <translation>积分冲回（退货）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity points awarded</source>
        <translation>发放活动积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outreach list exported</source>
        <translation>导出行销名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Complaint logged</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Complaint updated</source>
        <translation>更新投诉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Complainant&apos;s phone shown</source>
        <translation>显示投诉人电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problems list opened</source>
        <translation>打开问题列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem retried</source>
        <translation>重试问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem dismissed</source>
        <translation>忽略问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operation re-pointed</source>
        <translation>操作改指向</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audit trail exported</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Figures exported</source>
        <translation>导出门店统计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Figures copied</source>
        <translation>复制门店统计</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>before</source>
        <translation>原为</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>after</source>
        <translation>改为</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong in a row</source>
        <translation>连续错误次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>locked until</source>
        <translation>锁定至</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>seconds of lock left</source>
        <translation>锁定剩余秒数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lock lifted</source>
        <translation>解除锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>after a lock ran out</source>
        <translation>锁定期满后</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN hash renewed</source>
        <translation>PIN 散列已更新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>wrong PIN</source>
        <translation>PIN 错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown operator</source>
        <translation>未知操作员</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>AuditTab</name>
    <message>
        <location filename="../../ui/manager/audit_tab.py" line="+74"/>
        <source>member no., card or phone</source>
        <translation>会员号、卡号或手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. 2026-12-01</source>
        <translation>如 2026-12-01</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. 2026-12-31</source>
        <translation>如 2026-12-31</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Sensitive acts only</source>
        <translation>只看敏感操作(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Health information, name and phone shown, consents, exports</source>
        <translation>健康信息、显示姓名和手机号、授权同意、导出</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+15"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location line="-13"/>
        <location line="+13"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+11"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>◀ Newer (PgUp)</source>
        <translation>◀ 较新 (PgUp)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Older (PgDn) ▶</source>
        <translation>较早 (PgDn) ▶</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Export CSV… (Ctrl+E)</source>
        <translation>导出 CSV(&amp;E)… (Ctrl+E)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Enter applies the filters. On a row, Ctrl+O shows only that operator&apos;s rows and Ctrl+M only that member&apos;s. Highlighted: acts on personal information. An export is itself recorded here.</source>
        <translation>按回车应用筛选。选中一行后，Ctrl+O 只看该操作员的记录，Ctrl+M 只看该会员的记录。高亮行：涉及个人信息的操作。导出本身也会记入审计。</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>All operators</source>
        <translation>全部操作员</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No rows match the filters.</source>
        <translation>没有符合筛选条件的记录。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> Older rows: PgDn.</source>
        <translation>更早的记录：按 PgDn。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> No older rows.</source>
        <translation>没有更早的记录。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rows {0}–{1}, newest first.</source>
        <translation>第 {0}–{1} 条，最新的在前。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(not cached)</source>
        <translation>（本机无此会员）</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>“{0}” is not a date: type it as 2026-12-01.</source>
        <translation>“{0}”不是日期：请按 2026-12-01 的格式输入。</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Export the audit trail</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0} rows exported to {1}. The export is recorded in the trail.</source>
        <translation>已导出 {0} 条记录到 {1}。本次导出已记入审计记录。</translation>
    </message>
</context>
<context>
    <name>AwardDialog</name>
    <message>
        <location filename="../../ui/points/award_dialog.py" line="+67"/>
        <source>Activity points</source>
        <translation>活动积分</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>e.g. the talk&apos;s topic, the survey</source>
        <translation>例如：讲座主题、问卷名称</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Award (Enter)</source>
        <translation>发放 (回车)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Member:</source>
        <translation>会员：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reason (↑ ↓ or 1–9):</source>
        <translation>原因(&amp;R)（↑ ↓ 或 1–9）：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Points:</source>
        <translation>积分(&amp;P)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{0}. {1} — {2:,} points</source>
        <translation>{0}. {1} — {2:,} 分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}. {1} — {2:,} points (up to {3:,})</source>
        <translation>{0}. {1} — {2:,} 分（最多 {3:,}）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>HQ&apos;s configuration has no activity reasons yet.</source>
        <translation>总部配置中还没有活动积分原因。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Type the points as a whole number.</source>
        <translation>积分请填整数。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Activity points booked: +{0:,} ({1}).</source>
        <translation>已发放活动积分：+{0:,}（{1}）。</translation>
    </message>
</context>
<context>
    <name>CameraScanner</name>
    <message>
        <location filename="../../ui/member/camera.py" line="+80"/>
        <source>Scan with the camera</source>
        <translation>摄像头扫码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Starting the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hold the card or the member&apos;s code in front of the camera.</source>
        <translation>请将会员卡或会员码对准摄像头。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Camera support is not installed.</source>
        <translation>未安装摄像头扫码组件。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>The camera reported a problem: {0}</source>
        <translation>摄像头出错：{0}</translation>
    </message>
</context>
<context>
    <name>CareLabels</name>
    <message>
        <location filename="../../ui/care/labels.py" line="+14"/>
        <source>Care plan tasks</source>
        <translation>随访计划任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refill reminders</source>
        <translation>续药提醒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Complaint follow-up visits</source>
        <translation>投诉回访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthdays this week</source>
        <translation>本周生日</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Greeted</source>
        <translation>已问候</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Declined (the plan ends)</source>
        <translation>拒绝（计划结束）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Declined (no reminder till the next refill)</source>
        <translation>拒绝（下次取药前不再提醒）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reached</source>
        <translation>已联系上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer (again tomorrow)</source>
        <translation>未接通（明天再联系）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Came to the store</source>
        <translation>已到店</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>since {0} ({1} days)</source>
        <translation>自 {0} 起（{1} 天）</translation>
    </message>
</context>
<context>
    <name>CareWindowsMixin</name>
    <message>
        <location filename="../../ui/shell/care_windows.py" line="+40"/>
        <source>The work list (care plans, refill reminders, follow-up visits, birthdays) is for a service assistant or store manager.</source>
        <translation>今日工作（随访计划、续药提醒、投诉回访、生日问候）仅限客服或店长使用。</translation>
    </message>
</context>
<context>
    <name>ComplaintLabels</name>
    <message>
        <location filename="../../ui/complaints/labels.py" line="+10"/>
        <source>Service attitude</source>
        <translation>服务态度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product quality</source>
        <translation>产品质量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting time</source>
        <translation>等候时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pharmacist advice</source>
        <translation>药师建议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store environment</source>
        <translation>门店环境</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>At the counter</source>
        <translation>柜台</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+17"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Online</source>
        <translation>网上</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Received</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handling</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Escalated to HQ</source>
        <translation>已上报总部</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>In store</source>
        <translation>到店</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
</context>
<context>
    <name>ComplaintSlip</name>
    <message>
        <location filename="../../ui/printing/complaint_slip.py" line="+27"/>
        <source>Complaint received</source>
        <translation>投诉受理回执</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your complaint number:</source>
        <translation>您的投诉编号：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Logged: {0}</source>
        <translation>登记时间：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>We will answer by: {0}</source>
        <translation>我们将在此前答复：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Store: {0}</source>
        <translation>门店：{0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Store phone: {0}</source>
        <translation>门店电话：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Please quote the number when you call.</source>
        <translation>来电查询时请告知投诉编号。</translation>
    </message>
</context>
<context>
    <name>ComplaintsDialog</name>
    <message>
        <location filename="../../ui/complaints/list_dialog.py" line="+72"/>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+299"/>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <location line="-252"/>
        <source>Number, phone&apos;s last digits or words</source>
        <translation>编号、手机尾号或关键词</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not closed</source>
        <translation>未结案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All severities</source>
        <translation>全部程度</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Overdue (Ctrl+O)</source>
        <translation>已超时 (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mine (Ctrl+M)</source>
        <translation>我经手的 (Ctrl+M)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Show name and phone (Ctrl+R)</source>
        <translation>显示姓名和手机号 (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Note; the resolution when resolving, the reason when escalating</source>
        <translation>备注；解决时写解决办法，上报时写原因</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Handle</source>
        <translation>处理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolve</source>
        <translation>解决</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Escalate to HQ</source>
        <translation>上报总部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Close without follow-up (manager; reason in note)</source>
        <translation>不回访直接结案（店长；原因写在备注）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Follow-up visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Customer reached</source>
        <translation>已联系上顾客</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Record &amp;follow-up</source>
        <translation>记录回访(&amp;F)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>How (Ctrl+U):</source>
        <translation>方式 (Ctrl+U)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Comment</source>
        <translation>顾客意见</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Satisfaction (1–5):</source>
        <translation>满意度（1–5）：</translation>
    </message>
    <message>
        <location line="+43"/>
        <source> · overdue</source>
        <translation> · 超时</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>changed at HQ</source>
        <translation>总部已更新</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{0} complaints</source>
        <translation>共 {0} 条投诉</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>another counter</source>
        <translation>其他柜台</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No complaint matches.</source>
        <translation>没有符合条件的投诉。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} · {1} · {2} · {3}</source>
        <translation>{0} · {1} · {2} · {3}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Customer: {0} {1} · due {2}{3}</source>
        <translation>顾客：{0} {1} · 期限 {2}{3}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (overdue)</source>
        <translation>（已超时）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What happened: {0}</source>
        <translation>经过：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wants: {0}</source>
        <translation>诉求：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HQ has changed this complaint.</source>
        <translation>总部已更新这条投诉。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} {1}: logged</source>
        <translation>{0} {1}：登记</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> → {0}</source>
        <translation> → {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>reached</source>
        <translation>已联系上</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not reached</source>
        <translation>未联系上</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} follow-up by {1}, {2}, satisfaction {3}/5: {4}</source>
        <translation>{0} 回访（{1}），{2}，满意度 {3}/5：{4}</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Saved: {0} is now {1}.</source>
        <translation>已保存：{0} 现为“{1}”。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Customer: {0} {1} (shown once; audited)</source>
        <translation>顾客：{0} {1}（仅此次显示；已记录审计）</translation>
    </message>
</context>
<context>
    <name>ConsentSlip</name>
    <message>
        <location filename="../../ui/printing/consent_slip.py" line="+40"/>
        <source>Member consents: please read</source>
        <translation>会员同意事项：请阅读</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text version {0}</source>
        <translation>文本版本 {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tell the assistant which you agree to.</source>
        <translation>请告诉店员您同意哪几项。</translation>
    </message>
</context>
<context>
    <name>ConsentsPanel</name>
    <message>
        <location filename="../../ui/member/consents_panel.py" line="+37"/>
        <source>&amp;1 Membership terms (required)</source>
        <translation>会员服务条款（必选）(&amp;1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;2 Health information</source>
        <translation>健康信息（单独同意）(&amp;2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;3 Offers and news</source>
        <translation>优惠和活动信息(&amp;3)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consents: the member reads each text</source>
        <translation>同意事项：请会员逐条阅读</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Health information (with the health consent)</source>
        <translation>健康信息（须会员单独同意）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>e.g. 青霉素、磺胺类</source>
        <translation>如 青霉素、磺胺类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. 高血压</source>
        <translation>如 高血压</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>names, separated by 、 or ,</source>
        <translation>药名，用 、 或 , 分隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drug allergies</source>
        <translation>药物过敏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chronic conditions</source>
        <translation>慢性病</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regular medicines</source>
        <translation>常用药</translation>
    </message>
</context>
<context>
    <name>CounterStatusBar</name>
    <message>
        <location filename="../../ui/shell/status_bar.py" line="+118"/>
        <source>Store {0}</source>
        <translation>门店 {0}</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checking HQ…</source>
        <translation>正在检查总部连接…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Asking HQ whether it is there.</source>
        <translation>正在询问总部是否可以连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ not configured</source>
        <translation>未配置总部</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No HQ address is set; this counter works on its own cache.</source>
        <translation>尚未设置总部地址，本机仅使用本地数据。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending this counter&apos;s work and fetching HQ&apos;s.</source>
        <translation>正在把本机的操作发送到总部，并取回总部的更新。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Syncing · {0} {1}/{2}</source>
        <translation>正在同步 · {0} {1}/{2}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Syncing · {0} {1}</source>
        <translation>正在同步 · {0} {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Syncing · {0}</source>
        <translation>正在同步 · {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>checking HQ</source>
        <translation>检查总部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>settings</source>
        <translation>读取配置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sending</source>
        <translation>上传</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>members</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>building indexes</source>
        <translation>建立索引</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
    <message>
        <location line="-51"/>
        <location line="+58"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="-59"/>
        <location line="+60"/>
        <source>{0} Work goes on here and is sent when HQ is back.</source>
        <translation>{0}柜台可照常使用，操作将在总部恢复后上传。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sync incomplete</source>
        <translation>同步未完成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location line="-69"/>
        <location line="+70"/>
        <location line="+15"/>
        <source>HQ is reachable.</source>
        <translation>总部连接正常。</translation>
    </message>
    <message>
        <location line="-94"/>
        <source>A sync is running; checking HQ now and syncing again right after it.</source>
        <translation>同步正在进行；正在检查总部连接，完成后会再同步一次。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Syncing now…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Online · syncing…</source>
        <translation>在线 · 同步中…</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Synced: {0} sent, {1} members and {2} complaints received.</source>
        <translation>同步完成：上传 {0} 条操作，收到会员 {1} 条、投诉 {2} 条。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ rejected {0}: see the problems list.</source>
        <translation>总部拒绝了 {0} 条，请查看问题列表。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HQ did not answer (network or HQ down).</source>
        <translation>总部没有应答（网络或总部故障）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ&apos;s answer could not be used; nothing of it was kept.</source>
        <translation>总部的回复无法使用，未保存其中任何内容。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ refused a request from this counter; see the log.</source>
        <translation>总部拒绝了本机的请求，详情见日志。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HQ did not accept this counter&apos;s store token; ask store IT.</source>
        <translation>总部不接受本机的门店令牌，请联系门店 IT。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HQ&apos;s data was being restored; the next sync goes on.</source>
        <translation>总部数据正在恢复，下次同步会继续。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sync was interrupted; the next one goes on from there.</source>
        <translation>同步被中断，下次同步会从中断处继续。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another sync of this counter was running; this one was skipped.</source>
        <translation>本机已有另一个同步在进行，本次跳过。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The disk is full; free some space.</source>
        <translation>磁盘已满，请清理磁盘空间。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The local database was busy.</source>
        <translation>本地数据库正忙。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The local database is damaged; call store IT.</source>
        <translation>本地数据库已损坏，请联系门店 IT。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The local database cannot be read or written.</source>
        <translation>无法读写本地数据库。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sync did not finish ({0}).</source>
        <translation>同步未完成（{0}）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cache unreadable</source>
        <translation>本地数据无法读取</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pending {0}</source>
        <translation>待同步 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operations waiting to be sent to HQ.</source>
        <translation>等待上传总部的操作。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Problems {0}</source>
        <translation>问题 {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Operations HQ rejected, for a store manager to retry or dismiss. Click to see.</source>
        <translation>被总部拒绝的操作，由店长重试或忽略。点击查看。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The last sync that finished without errors.</source>
        <translation>最近一次无错误完成的同步。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Clock {0} min fast: PC {1}, HQ {2}</source>
        <translation>时钟快 {0} 分钟：电脑 {1}，总部 {2}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Clock {0} min slow: PC {1}, HQ {2}</source>
        <translation>时钟慢 {0} 分钟：电脑 {1}，总部 {2}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The counter works in HQ&apos;s time, so member codes, points and times are right. Click to see how to set this PC&apos;s clock.</source>
        <translation>柜台已按总部时间工作，会员码、积分和各项时间都不受影响。点击查看如何校正这台电脑的时间。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The counter works in HQ&apos;s time, so member codes, points and times are right. Tell the store manager to set this PC&apos;s clock.</source>
        <translation>柜台已按总部时间工作，会员码、积分和各项时间都不受影响。请告知店长校正这台电脑的时间。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>How to set it right (Windows):
1. Right-click the time on the taskbar and choose &quot;Adjust date/time&quot;.
2. Turn on &quot;Set time automatically&quot; and click &quot;Sync now&quot;.
3. If that is not possible, turn it off, click &quot;Change&quot; and set the time to HQ&apos;s: {0}.
4. If the clock is wrong again after every start, the PC&apos;s CMOS battery is probably flat: call store IT.
Then press F5: this notice goes away once HQ sees the clock right.</source>
        <translation>校正方法（Windows）：
1. 右键单击任务栏上的时间，选择“调整日期/时间”。
2. 打开“自动设置时间”，点击“立即同步”。
3. 如果无法自动同步，关闭“自动设置时间”，点击“更改”，按总部时间 {0} 手动设置。
4. 如果每次开机后时间又不准，多半是主板电池没电了，请联系门店 IT。
校正后按 F5 同步：总部确认时间无误后，此提示即消失。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Tell the store manager: signed in, a manager can click this notice to see how to set the clock.</source>
        <translation>请告知店长：店长登录后点击此提示，即可看到校正方法。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This PC&apos;s clock says {0}; HQ&apos;s time is {1}.
The counter works in HQ&apos;s time meanwhile, so member codes, points, member days and due times are right. The PC&apos;s clock should still be set right.</source>
        <translation>这台电脑的时钟显示 {0}，总部时间是 {1}。
在此期间柜台按总部时间工作，会员码、积分、会员日和处理期限都不受影响；但电脑的时间仍应校正。</translation>
    </message>
    <message>
        <location line="+18"/>
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
        <location filename="../../ui/shell/crash_dialog.py" line="+100"/>
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
    <name>CustomerDisplay</name>
    <message>
        <location filename="../../ui/customer_display.py" line="+42"/>
        <source>Customer display</source>
        <translation>顾客显示屏</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show your member card or code to earn points</source>
        <translation>出示会员卡或会员码即可积分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}, thank you</source>
        <translation>{0}，谢谢惠顾</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+{0:,} points</source>
        <translation>+{0:,} 积分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0:,} points redeemed</source>
        <translation>已兑换 {0:,} 积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your balance: {0:,} points</source>
        <translation>您的积分余额：{0:,}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (some still to be confirmed by HQ)</source>
        <translation>（部分积分待总部确认）</translation>
    </message>
</context>
<context>
    <name>DuplicatePhoneCheck</name>
    <message>
        <location filename="../../ui/member/duplicate_phone.py" line="+61"/>
        <source>Already a member: {0} (no. {1}). Press Enter here to open them instead of registering again.</source>
        <translation>已是会员：{0}（会员号 {1}）。在此按回车打开该会员，不要重复登记。</translation>
    </message>
</context>
<context>
    <name>EarnDialog</name>
    <message>
        <location filename="../../ui/points/earn_dialog.py" line="+63"/>
        <source>Points for a sale (F3)</source>
        <translation>销售积分 (F3)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0} · {1} · {2}</source>
        <translation>{0} · {1} · {2}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Member:</source>
        <translation>会员：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Receipt no.:</source>
        <translation>小票号(&amp;R)：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>scan the receipt&apos;s barcode</source>
        <translation>扫描小票条码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Total ¥:</source>
        <translation>小票总额 ¥(&amp;T)：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the receipt&apos;s total</source>
        <translation>小票上的总金额</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>医保 &amp;personal account ¥:</source>
        <translation>医保个人账户 ¥(&amp;P)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>empty = 0</source>
        <translation>不填即为 0</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>医保 p&amp;ooled fund ¥:</source>
        <translation>医保统筹 ¥(&amp;O)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>E&amp;xcluded lines ¥:</source>
        <translation>不积分商品 ¥(&amp;X)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. prescription drugs; empty = 0</source>
        <translation>如处方药；不填即为 0</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Self-paid:</source>
        <translation>自付：</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;Book points (Enter)</source>
        <translation>确认积分(&amp;B)（回车）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Correct the amount marked in red first.</source>
        <translation>请先改正标红的金额。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type the total; the points show here.</source>
        <translation>输入小票总额后，这里显示可积分数。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>+{0:,} points</source>
        <translation>+{0:,} 积分</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../../ui/care/enroll_dialog.py" line="+72"/>
        <source>Enrol in a care plan</source>
        <translation>登记慢病随访计划</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Day</source>
        <translation>天数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Due</source>
        <translation>到期日</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What to do</source>
        <translation>要做的事</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Enrol (Enter)</source>
        <translation>登记(&amp;E)（回车）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Plan (↑↓ or its number):</source>
        <translation>计划(&amp;P)（↑↓ 或按编号）：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Start date:</source>
        <translation>开始日期(&amp;S)：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The steps become tasks on the work list (F9):</source>
        <translation>以下步骤将成为今日工作（F9）中的任务：</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Member: {0} {1}</source>
        <translation>会员：{0} {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} (since {1})</source>
        <translation>{0}（自 {1} 起）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Already following: {0}</source>
        <translation>已在进行：{0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source> · in the health record</source>
        <translation> · 健康档案中已有</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No chronic condition in this member&apos;s health record has a care plan. Record the condition on the Health record page first (this needs the member&apos;s health consent).</source>
        <translation>该会员健康档案中没有可对应随访计划的慢性病。请先在“健康档案”页记录病种（需会员单独同意收集健康信息）。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Day {0}</source>
        <translation>第 {0} 天</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Enrolled; {0} tasks are on the work list (F9).</source>
        <translation>已登记；{0} 项任务已列入今日工作（F9）。</translation>
    </message>
</context>
<context>
    <name>FiguresTab</name>
    <message>
        <location filename="../../ui/manager/charts.py" line="+25"/>
        <source>Charts need Qt Charts (PySide6-Addons); the table has the figures.</source>
        <translation>图表需要 Qt Charts（PySide6-Addons）；数字见右侧表格。</translation>
    </message>
    <message>
        <location filename="../../ui/manager/figures_sections.py" line="+46"/>
        <source>Not known</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Under 18</source>
        <translation>18 岁以下</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>70 and over</source>
        <translation>70 岁及以上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Earned on sales</source>
        <translation>消费积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeemed</source>
        <translation>兑换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reversed (refunds)</source>
        <translation>退货冲回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Awarded</source>
        <translation>活动/推荐奖励</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reached by phone</source>
        <translation>电话联系上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Came to the store</source>
        <translation>到店</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer</source>
        <translation>未接通</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Week of {0}</source>
        <translation>{0} 起一周</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Members</source>
        <translation>会员数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New members registered here</source>
        <translation>本店新登记会员</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Week from</source>
        <translation>周（起始日）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New members</source>
        <translation>新会员</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Members served by tier</source>
        <translation>消费会员：按等级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Members served by gender</source>
        <translation>消费会员：按性别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Members served by age</source>
        <translation>消费会员：按年龄</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Members served by district</source>
        <translation>消费会员：按区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>District</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Points booked here</source>
        <translation>本店积分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entries</source>
        <translation>笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>(no reward named)</source>
        <translation>（未注明礼品）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reward</source>
        <translation>礼品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redemptions</source>
        <translation>兑换次数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+74"/>
        <source>Care tasks done</source>
        <translation>已完成的慢病随访</translation>
    </message>
    <message>
        <location line="-72"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>任务数</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Complaints by category</source>
        <translation>投诉：按类别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <location line="+51"/>
        <source>Complaints</source>
        <translation>投诉数</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>Complaints by state</source>
        <translation>投诉：按状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Members registered here</source>
        <translation>本期在本店登记的会员</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Members served (one purchase or more)</source>
        <translation>消费会员（至少消费一次）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Of them, back two times or more</source>
        <translation>其中消费两次及以上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat rate</source>
        <translation>回头率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipts</source>
        <translation>小票数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales</source>
        <translation>销售额</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Average basket (per receipt)</source>
        <translation>客单价（每张小票）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Self-paid share</source>
        <translation>自付占比</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refunded (self-paid)</source>
        <translation>退货金额（自付部分）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>发放积分（消费）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points redeemed</source>
        <translation>兑换积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points reversed</source>
        <translation>冲回积分（退货）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points awarded</source>
        <translation>奖励积分</translation>
    </message>
    <message>
        <location line="-89"/>
        <location line="+90"/>
        <source>Rewards redeemed</source>
        <translation>兑换礼品件数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Care tasks overdue (now)</source>
        <translation>逾期未做的慢病随访（当前）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Complaints overdue</source>
        <translation>逾期投诉</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Average satisfaction (1–5)</source>
        <translation>平均满意度（1–5）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Median time to resolve (hours)</source>
        <translation>解决用时中位数（小时）</translation>
    </message>
    <message>
        <location filename="../../ui/manager/figures_tab.py" line="+54"/>
        <source>Export the figures</source>
        <translation>导出门店统计</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chosen days</source>
        <translation>自选日期</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Period:</source>
        <translation>期间(&amp;P)：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fi&amp;rst day:</source>
        <translation>起始日(&amp;R)：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Last day:</source>
        <translation>截止日(&amp;L)：</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Save every table of the page as CSV (Ctrl+E); audited</source>
        <translation>把本页所有表格存为 CSV 文件（Ctrl+E）；记入审计日志</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Counting… %v of %m</source>
        <translation>正在统计… %v/%m</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Copy table</source>
        <translation>复制表格(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy the table shown (Ctrl+C); audited</source>
        <translation>复制当前表格（Ctrl+C）；记入审计日志</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export CSV…</source>
        <translation>导出 CSV(&amp;E)…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>&amp;Sections</source>
        <translation>栏目(&amp;S)</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Store {0} · {1} to {2} · counted at {3}</source>
        <translation>门店 {0} · {1} 至 {2} · 统计于 {3}</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Table copied; paste it into a spreadsheet.</source>
        <translation>表格已复制，可粘贴到电子表格中。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>figures-{0}-{1}-{2}.csv</source>
        <translation>门店统计-{0}-{1}-{2}.csv</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Exported {0} rows to {1}.</source>
        <translation>已导出 {0} 行到 {1}。</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location filename="../../ui/manager/operator_dialogs.py" line="-90"/>
        <source>4–8 digits</source>
        <translation>4–8 位数字</translation>
    </message>
</context>
<context>
    <name>HealthEditor</name>
    <message>
        <location filename="../../ui/member/health_editor.py" line="+64"/>
        <source>Other conditions, separated by 、</source>
        <translation>其他慢性病，用“、”分隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Other drug allergies, separated by 、</source>
        <translation>其他药物过敏，用“、”分隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Medicine</source>
        <translation>药品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dose, e.g. 5 mg once a day</source>
        <translation>用法用量，如 每日一次 5mg</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Days&apos; supply</source>
        <translation>可用天数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last dispensed YYYY-MM-DD</source>
        <translation>上次取药 YYYY-MM-DD</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add medicine</source>
        <translation>添加药品</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Chronic conditions</source>
        <translation>慢性病</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Drug allergies</source>
        <translation>药物过敏史</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Regular medicines</source>
        <translation>常用药</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>The days&apos; supply is a whole number from 1 to 366.</source>
        <translation>可用天数应为 1 到 366 之间的整数。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The last dispensing date is YYYY-MM-DD.</source>
        <translation>上次取药日期格式应为 YYYY-MM-DD。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The last dispensing date is in the future.</source>
        <translation>上次取药日期不能晚于今天。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{0} days</source>
        <translation>{0} 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>last {0}</source>
        <translation>上次 {0}</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/points/history_dialog.py" line="+59"/>
        <source>Points history</source>
        <translation>积分明细</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Refund (Ctrl+T)</source>
        <translation>退货 (Ctrl+T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Take back the points of the chosen sale (退货)</source>
        <translation>扣回所选消费的积分（退货）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Activity points (Shift+F7)</source>
        <translation>活动积分 (Shift+F7)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Award points for an activity (service assistants and store managers)</source>
        <translation>发放活动积分（限客服干事和店长）</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{0} · member no. {1}</source>
        <translation>{0} · 会员号 {1}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No points entries yet.</source>
        <translation>暂无积分记录。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Balance {0:,} (HQ)</source>
        <translation>积分余额 {0:,}（总部）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance {0:,} (HQ {1:,} {2} {3:,} pending)</source>
        <translation>积分余额 {0:,}（总部 {1:,} {2} 待同步 {3:,}）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} · the highest tier</source>
        <translation>{0} · 已是最高等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} · spend {1} more for {2}</source>
        <translation>{0} · 再消费 {1} 升{2}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{0:,} points expire on {1}</source>
        <translation>{0:,} 分将于 {1} 过期</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Choose a sale (arrows), then press Ctrl+T.</source>
        <translation>请先用方向键选择一笔消费，再按 Ctrl+T。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ rejected this sale: it has no points to refund.</source>
        <translation>总部已拒绝这笔消费积分，没有可扣回的积分。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A sale of another store is refunded there.</source>
        <translation>其他门店的消费请在该门店退货。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This sale&apos;s points have been taken back in full.</source>
        <translation>这笔消费的积分已全部扣回。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refunds are not available on this counter.</source>
        <translation>本机暂不能办理退货扣分。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only a service assistant or store manager may award activity points; ask one to sign in (Ctrl+L).</source>
        <translation>只有客服干事或店长可以发放活动积分；请他们登录（Ctrl+L）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Activity points are not available on this counter.</source>
        <translation>本机暂不能发放活动积分。</translation>
    </message>
</context>
<context>
    <name>HistoryWindowsMixin</name>
    <message>
        <location filename="../../ui/points/history_windows.py" line="+31"/>
        <source>Find the member first, then press {0}.</source>
        <translation>请先找到会员，再按 {0}。</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>Only a service assistant or store manager may award activity points; ask one to sign in (Ctrl+L).</source>
        <translation>只有客服干事或店长可以发放活动积分；请他们登录（Ctrl+L）。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/shell/labels.py" line="+12"/>
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
        <location line="+7"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Female</source>
        <translation>女</translation>
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
        <location filename="../../ui/shell/lock_screen.py" line="+25"/>
        <source>The counter is locked</source>
        <translation>柜台已锁定</translation>
    </message>
</context>
<context>
    <name>LogComplaintDialog</name>
    <message>
        <location filename="../../ui/complaints/log_dialog.py" line="+73"/>
        <source>Log a complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Not this member (Ctrl+D)</source>
        <translation>不是该会员 (Ctrl+D)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Customer:</source>
        <translation>顾客：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Mobile:</source>
        <translation>手机(&amp;M)：</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Category:</source>
        <translation>类别(&amp;C)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Se&amp;verity:</source>
        <translation>严重程度(&amp;V)：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Due:</source>
        <translation>处理期限：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hannel:</source>
        <translation>渠道(&amp;H)：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>What happened (Enter saves; Shift+Enter starts a new line)</source>
        <translation>经过（回车保存；Shift+回车换行）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>e.g. an apology, a refund, an exchange</source>
        <translation>例如：道歉、退款、换货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;What happened:</source>
        <translation>经过(&amp;W)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What the customer w&amp;ants:</source>
        <translation>顾客诉求(&amp;A)：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Save (Enter)</source>
        <translation>保存(&amp;S)（回车）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Complaint logged. The customer&apos;s number:</source>
        <translation>投诉已登记。顾客的投诉编号：</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Print slip (Enter)</source>
        <translation>打印回执(&amp;P)（回车）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Close (Esc)</source>
        <translation>关闭(&amp;C) (Esc)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Member {0} · {1}</source>
        <translation>会员 {0} · {1}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not a member: enter the customer&apos;s name and mobile (a scan attaches a member)</source>
        <translation>非会员：请填写顾客姓名和手机号（扫码可关联会员）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No member found for that scan.</source>
        <translation>没有找到该码对应的会员。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{0} (in {1} hours)</source>
        <translation>{0}（{1} 小时内）</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Due: {0} · {1} · {2}</source>
        <translation>处理期限：{0} · {1} · {2}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Slip printed. Esc closes.</source>
        <translation>回执已打印。按 Esc 关闭。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/shell/login_dialog.py" line="+352"/>
        <source>{0} — sign in</source>
        <translation>{0} — 登录</translation>
    </message>
</context>
<context>
    <name>LoginForm</name>
    <message>
        <location line="-263"/>
        <source>Sign in to the counter</source>
        <translation>登录柜台</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Press your number, then type your PIN.</source>
        <translation>按你的序号，再输入 PIN。</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+41"/>
        <source>4–8 digits</source>
        <translation>4–8 位数字</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+58"/>
        <location line="+174"/>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <location line="-203"/>
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
        <location line="+174"/>
        <source>PIN of {0}</source>
        <translation>{0}的 PIN</translation>
    </message>
    <message>
        <location line="-81"/>
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
        <location filename="../../ui/member/lookup_bar.py" line="+84"/>
        <source>Scan a card or member code, or type phone, last 4 digits, name or initials</source>
        <translation>扫会员卡或会员码，或输入手机号、尾号、姓名、拼音首字母</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Type a name in Chinese: turns the input method on for one search. Pinyin initials (e.g. zxm) work without it.</source>
        <translation>输入中文姓名：仅本次查找开启输入法。拼音首字母（如 zxm）无需输入法。</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Not in this counter&apos;s list; asking HQ…</source>
        <translation>本机未找到，正在向总部查询…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{0} members match: choose one below.</source>
        <translation>有 {0} 位会员相符，请在下方选择。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No member matches.</source>
        <translation>没有相符的会员。</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Member found: {0}</source>
        <translation>已找到会员：{0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/shell/main_window.py" line="+246"/>
        <source>Sign in first, then scan again.</source>
        <translation>请先登录，再重新扫码。</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Only a service assistant or store manager may see full names and phones.</source>
        <translation>只有客服干事或店长可以查看完整姓名和手机号。</translation>
    </message>
    <message>
        <location line="+67"/>
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
    <name>ManagerDesk</name>
    <message>
        <location filename="../../ui/manager/desk.py" line="+37"/>
        <source>Manager&apos;s desk</source>
        <translation>店长工作台</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+30"/>
        <source>Signed in: {0}</source>
        <translation>当前登录：{0}</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>&amp;Operators</source>
        <translation>操作员(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audi&amp;t trail</source>
        <translation>审计记录(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Figures</source>
        <translation>门店统计(&amp;F)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The manager&apos;s desk (F12) is for a store manager: operators, the audit trail and the store&apos;s figures. Lock the counter (Ctrl+L) and let a manager sign in.</source>
        <translation>店长工作台（F12）仅限店长使用：操作员、审计记录和门店数据。请锁定柜台（Ctrl+L），由店长登录。</translation>
    </message>
</context>
<context>
    <name>MemberCard</name>
    <message>
        <location filename="../../ui/printing/member_card.py" line="+51"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../ui/member/member_panel.py" line="+288"/>
        <source>Drug allergy on record: check with the pharmacist before selling medicine.</source>
        <translation>⚠ 该会员有药物过敏记录，售药前请与药师核对。</translation>
    </message>
    <message>
        <location line="-140"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>Scan a member card or the member&apos;s code</source>
        <translation>请扫描会员卡或会员码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>or type the phone number, its last 4 digits, the name or its pinyin initials above and press Enter</source>
        <translation>或在上方输入手机号、手机尾号、姓名或拼音首字母后按回车</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Birthday month</source>
        <translation>生日月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The member&apos;s birthday is this month.</source>
        <translation>会员本月生日。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member day</source>
        <translation>会员日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today is a member day.</source>
        <translation>今天是会员日。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Show name and phone</source>
        <translation>显示姓名和手机号</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Ctrl+R: show this member&apos;s full name and phone; each time is audited</source>
        <translation>Ctrl+R：显示该会员的完整姓名和手机号；每次查看都记入审计日志</translation>
    </message>
    <message>
        <location line="+28"/>
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
        <location line="+37"/>
        <source>Recent visits</source>
        <translation>最近消费</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No visits on record</source>
        <translation>暂无消费记录</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>New at this store, not yet confirmed by HQ</source>
        <translation>本店新登记，待总部确认</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not assigned yet (HQ assigns it)</source>
        <translation>待总部分配</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no card</source>
        <translation>未绑定会员卡</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Registered at this counter while offline, but this phone was already HQ&apos;s member {0}: the sync moved this counter&apos;s records (points, consents, complaints) to this member. Nothing was lost.</source>
        <translation>本机离线时登记过这个手机号，但它已是总部会员 {0}：同步已把本机为其记录的积分、同意和投诉等转到该会员名下，没有任何遗漏。</translation>
    </message>
    <message>
        <location line="+14"/>
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
    <message>
        <location line="+9"/>
        <source>{0:,} points expire on {1}</source>
        <translation>{0:,} 分将于 {1} 过期</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>this store ({0})</source>
        <translation>本店（{0}）</translation>
    </message>
</context>
<context>
    <name>MemberPhone</name>
    <message>
        <location filename="../../ui/member/member_phone.py" line="+100"/>
        <source>Member&apos;s phone (demo)</source>
        <translation>会员手机（演示）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Member app · member code</source>
        <translation>会员 App · 会员码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter a member&apos;s card number or phone. The code refreshes by itself, as in the member app; show it to the counter with the button below.</source>
        <translation>输入会员卡号或手机号。会员码会像会员 App 一样自动刷新；点下方按钮即可出示给柜台。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Card number or phone</source>
        <translation>卡号或手机号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show code</source>
        <translation>显示会员码</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Send to counter</source>
        <translation>出示给柜台</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Types the code into the counter the way a barcode scanner does</source>
        <translation>像扫码枪一样把会员码输入柜台</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No code yet</source>
        <translation>尚无会员码</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Asking HQ for the code…</source>
        <translation>正在向总部获取会员码…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Member no. {0}</source>
        <translation>会员号 {0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No code</source>
        <translation>无会员码</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The code has expired</source>
        <translation>会员码已过期</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid for {0} s more; a new code comes by itself</source>
        <translation>{0} 秒内有效，到期前自动刷新</translation>
    </message>
</context>
<context>
    <name>OperatorsTab</name>
    <message>
        <location filename="../../ui/manager/operators_tab.py" line="+42"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Locked: {0} min {1} s left</source>
        <translation>已锁定：还剩 {0} 分 {1} 秒</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Active; {0} wrong PIN(s) in a row</source>
        <translation>在职；已连续输错 PIN {0} 次</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Active</source>
        <translation>在职</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Added</source>
        <translation>添加日期</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Role…</source>
        <translation>角色(&amp;R)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+81"/>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <location line="-80"/>
        <source>New &amp;PIN…</source>
        <translation>新 PIN(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Ins adds an operator. A disabled operator can no longer sign in; their history stays. The store always keeps one active manager. Every change is in the audit trail.</source>
        <translation>按 Ins 添加操作员。停用的操作员不能再登录，其记录保留。门店始终至少保留一位在职店长。每项更改都记入审计记录。</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>&amp;Enable</source>
        <translation>启用(&amp;E)</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Operator added. They sign in with their PIN.</source>
        <translation>操作员已添加，可用其 PIN 登录。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Role of {0} changed.</source>
        <translation>{0} 的角色已更改。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New PIN set for {0}; any lock is lifted.</source>
        <translation>已为 {0} 设置新 PIN；锁定（如有）已解除。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+37"/>
        <source>{0} may sign in again.</source>
        <translation>{0} 可以重新登录了。</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Disable operator</source>
        <translation>停用操作员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disable {0}? They can no longer sign in (Enable undoes it).</source>
        <translation>停用 {0}？停用后不能登录（可用“启用”恢复）。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{0} is disabled.</source>
        <translation>{0} 已停用。</translation>
    </message>
</context>
<context>
    <name>OutreachDialog</name>
    <message>
        <location filename="../../ui/care/outreach_dialog.py" line="+69"/>
        <source>Outreach lists</source>
        <translation>会员行销名单</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>New members (thank-you)</source>
        <translation>新会员（致谢）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthdays coming up</source>
        <translation>近期生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lapsed members (not seen for)</source>
        <translation>久未到店会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everyone (by tier or district)</source>
        <translation>全部会员（按等级或区域）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every tier</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Every district</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Build the list</source>
        <translation>生成名单(&amp;B)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;List</source>
        <translation>名单(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Days</source>
        <translation>天数(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Tier</source>
        <translation>等级(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dist&amp;rict</source>
        <translation>区域(&amp;R)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Member no.</source>
        <translation>会员号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>District</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Joined here</source>
        <translation>本店入会</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last seen</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Export CSV (Ctrl+S)</source>
        <translation>导出 CSV(&amp;E)（Ctrl+S）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Only members who agreed to marketing are listed. Names and phones are masked on screen; a store manager&apos;s export has them in clear. Every export is recorded in the audit log.</source>
        <translation>名单只包含同意接收营销信息的会员。屏幕上的姓名和手机号已遮挡；店长导出的文件为明文。每次导出都记入审计日志。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only members who agreed to marketing are listed. Names and phones are masked, on screen and in your export (a store manager&apos;s export has them in clear). Every export is recorded in the audit log.</source>
        <translation>名单只包含同意接收营销信息的会员。姓名和手机号在屏幕上和您导出的文件中均已遮挡（店长导出的文件为明文）。每次导出都记入审计日志。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>registered at this counter in the last days</source>
        <translation>最近几天在本柜台登记入会</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>from today on (7 for this week, 30 for the month)</source>
        <translation>从今天起（7 天为本周，30 天为本月）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no purchase or visit for at least this long</source>
        <translation>至少这么久没有购买或到店</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the whole tier or district chosen below</source>
        <translation>下面所选等级或区域的全部会员</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Building the list…</source>
        <translation>正在生成名单…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{0} members listed; the first {1} are shown, the export has all.</source>
        <translation>共 {0} 位会员；这里显示前 {1} 位，导出文件包含全部。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} members listed.</source>
        <translation>共 {0} 位会员。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export the list</source>
        <translation>导出名单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Give the file to write the list to.</source>
        <translation>请填写要导出的文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>{0} members written to {1} (names and phones masked).</source>
        <translation>已写入 {0} 位会员到 {1}（姓名和手机号已遮挡）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} members written to {1}, names and phones in clear: keep it safe.</source>
        <translation>已写入 {0} 位会员到 {1}，姓名和手机号为明文：请妥善保管。</translation>
    </message>
</context>
<context>
    <name>OwnPinDialog</name>
    <message>
        <location filename="../../ui/manager/operator_dialogs.py" line="+162"/>
        <source>Change my PIN</source>
        <translation>修改我的 PIN</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Current PIN</source>
        <translation>当前 PIN(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New PIN</source>
        <translation>新 PIN(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New PIN &amp;again</source>
        <translation>再次输入新 PIN(&amp;A)</translation>
    </message>
</context>
<context>
    <name>PickList</name>
    <message>
        <location filename="../../ui/member/pick_list.py" line="+75"/>
        <source>↑ ↓ to move · Enter or 1–9 to choose · Esc to go back to scanning</source>
        <translation>↑ ↓ 移动 · 回车或 1–9 选择 · Esc 返回扫码</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last visit here</source>
        <translation>上次到本店</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>More than {0} members match; the first {0} are shown.</source>
        <translation>相符会员超过 {0} 位，仅显示前 {0} 位。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type more of the name or phone to narrow it down.</source>
        <translation>请多输入几位姓名或手机号以缩小范围。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Which member is it? Ask the customer.</source>
        <translation>是哪一位会员？请向顾客确认。</translation>
    </message>
</context>
<context>
    <name>PointsHistory</name>
    <message>
        <location filename="../../ui/points/history_model.py" line="+34"/>
        <source>Sale</source>
        <translation>消费</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeemed</source>
        <translation>兑换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refund</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other stores / HQ</source>
        <translation>其他门店/总部</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Earlier balance</source>
        <translation>此前余额</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pending</source>
        <translation>待同步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Booked</source>
        <translation>已入账</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Points HQ booked elsewhere in between: sales at other stores, activity or referral points, expiry.</source>
        <translation>期间总部在别处记入的积分：其他门店的消费、活动或推荐积分、过期。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The balance at HQ before the first entry of this counter shown.</source>
        <translation>本机所列第一笔记录之前的总部余额。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Refunded self-paid amount: {0}</source>
        <translation>已退自付金额：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refunds took back {0:,} points of it</source>
        <translation>退货已扣回其中 {0:,} 分</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Its points expire on {0}</source>
        <translation>这笔积分于 {0} 过期</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt / reward / reason</source>
        <translation>小票/礼品/原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balance at HQ</source>
        <translation>总部余额</translation>
    </message>
</context>
<context>
    <name>PointsLabels</name>
    <message>
        <location filename="../../ui/points/labels.py" line="+29"/>
        <source>{0:,} points (HQ balance; nothing pending)</source>
        <translation>{0:,} 积分（总部余额，无待同步）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0:,} points (HQ balance {1:,} {2} {3:,} pending at this store)</source>
        <translation>{0:,} 积分（总部余额 {1:,} {2} 本店待同步 {3:,}）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Eligible {0}</source>
        <translation>可积分金额 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>→ {0} (1 point per whole yuan)</source>
        <translation>→ {0}（每满 1 元积 1 分）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>→ {0} (1 point per {1} whole yuan)</source>
        <translation>→ {0}（每满 {1} 元积 1 分）</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+19"/>
        <source>× {0} {1}</source>
        <translation>× {0} {1}</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>member day</source>
        <translation>会员日</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>birthday month</source>
        <translation>生日月</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> and </source>
        <translation>和</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>× {0} {1} (capped from {2})</source>
        <translation>× {0} {1}（原为 {2}，封顶）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>= {0:,} points</source>
        <translation>= {0:,} 分</translation>
    </message>
</context>
<context>
    <name>PointsSlip</name>
    <message>
        <location filename="../../ui/printing/points_slip.py" line="+77"/>
        <source>Points earned</source>
        <translation>消费积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points redeemed</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points taken back (refund)</source>
        <translation>退货扣回积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity points</source>
        <translation>活动积分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Receipt: {0}</source>
        <translation>小票号：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reward: {0}</source>
        <translation>兑换商品：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refunded receipt: {0}</source>
        <translation>退货小票：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>For: {0}</source>
        <translation>事由：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New balance: {0:,}</source>
        <translation>积分余额：{0:,}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (includes points pending sync with HQ)</source>
        <translation>（含待同步到总部的积分）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Store: {0}</source>
        <translation>门店：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time: {0}</source>
        <translation>时间：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member: {0}</source>
        <translation>会员：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0:+,} points</source>
        <translation>{0:+,} 积分</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>The slip was not saved: {0}</source>
        <translation>小票未能保存：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Slip saved to {0}</source>
        <translation>小票已保存到 {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No printer named {0}: no slip printed (counter settings: slip_printer).</source>
        <translation>找不到名为 {0} 的打印机，未打印小票（柜台设置：slip_printer）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Slip printed on {0}.</source>
        <translation>小票已在 {0} 打印。</translation>
    </message>
</context>
<context>
    <name>PointsWindowsMixin</name>
    <message>
        <location filename="../../ui/points/shell.py" line="+37"/>
        <source>Scan the member&apos;s card or code first, then press {0}.</source>
        <translation>请先扫会员卡或会员码，再按 {0}。</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>{0:,} points earned. Balance: {1}</source>
        <translation>已积 {0:,} 分。余额：{1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0:,} points redeemed for {1}. Balance: {2}</source>
        <translation>已用 {0:,} 积分兑换 {1}。余额：{2}</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../../ui/shell/problems_model.py" line="+28"/>
        <source>Member registration</source>
        <translation>会员登记</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member details changed</source>
        <translation>修改会员资料</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>会员授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card bound</source>
        <translation>绑定会员卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>积分累计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points redeemed</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points taken back (refund)</source>
        <translation>退货扣回积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity points</source>
        <translation>活动积分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New complaint</source>
        <translation>新建投诉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Complaint updated</source>
        <translation>更新投诉</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This phone number is already a member at HQ</source>
        <translation>该手机号已是总部会员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ already has this member</source>
        <translation>总部已有该会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ does not know this member</source>
        <translation>总部没有该会员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This card number is already in use</source>
        <translation>该卡号已被使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ does not know this card</source>
        <translation>总部没有该会员卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The member&apos;s consent is missing</source>
        <translation>缺少会员授权</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This receipt has already earned points</source>
        <translation>该小票已积过分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ computes different points for this sale</source>
        <translation>总部计算的积分与本单不同</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ never had the points rules this sale names</source>
        <translation>总部从未有过本单所用的积分规则</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ never gave the member the tier this sale names</source>
        <translation>总部从未给该会员本单所用的等级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not enough points at HQ</source>
        <translation>总部账户积分不足</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ already has this complaint</source>
        <translation>总部已有该投诉</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ does not know this complaint</source>
        <translation>总部没有该投诉</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The complaint cannot move to that state</source>
        <translation>投诉不能改为该状态</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The operation names another store</source>
        <translation>操作中的门店与本店不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ has another operation with this number</source>
        <translation>总部已有同一编号的其他操作</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not accept the contents</source>
        <translation>总部不接受该内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HQ could not apply the operation</source>
        <translation>总部无法执行该操作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Booked, but beyond the daily offline redemption cap</source>
        <translation>已入账，但超出每日离线兑换上限</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ&apos;s reward catalogue has no such reward</source>
        <translation>总部的兑换目录中没有这个商品</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ&apos;s catalogue prices this reward differently</source>
        <translation>总部目录中该商品所需积分不同</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Over the reward&apos;s daily limit for this member</source>
        <translation>超过该会员此商品的每日兑换限额</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refund booked; the member&apos;s points went below zero</source>
        <translation>退货已记账，会员积分已为负数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ has no points earned on this receipt here</source>
        <translation>总部没有本店这张小票的积分记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This receipt earned for another member</source>
        <translation>这张小票的积分属于另一位会员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This receipt&apos;s points were already taken back</source>
        <translation>这张小票的积分已退回</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>More refunded than is left on the receipt</source>
        <translation>退款金额超过小票剩余金额</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not know this reason for activity points</source>
        <translation>总部没有这个活动积分原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many activity points for this reason</source>
        <translation>该原因的活动积分超出上限</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activity points for this reason already given today</source>
        <translation>今天已发放过该原因的活动积分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>HQ does not know this kind of operation yet</source>
        <translation>总部尚不支持此类操作</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <location filename="../../ui/shell/problems_dialog.py" line="+56"/>
        <source>Sync problems</source>
        <translation>同步问题</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Operations HQ rejected. Retry sends one again as a new operation; Dismiss closes it and nothing is sent. Both are recorded in the audit log.</source>
        <translation>以下是被总部拒绝的操作。“重试”会作为新操作再次发送；“忽略”则关闭该问题，不再发送。两者都记入审计日志。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Note for dismissing (optional)</source>
        <translation>忽略原因（可选）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Retry</source>
        <translation>重试(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+130"/>
        <source>Send the operation again as a new one (Enter)</source>
        <translation>作为新操作再次发送（Enter）</translation>
    </message>
    <message>
        <location line="-128"/>
        <source>&amp;Dismiss</source>
        <translation>忽略(&amp;D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close the problem; nothing is sent (Delete)</source>
        <translation>关闭该问题，不发送任何内容（Delete）</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>{0} sales earned points under rules HQ had already replaced; HQ booked the points shown at this counter.</source>
        <translation>{0} 笔销售按总部已更换的旧规则积分；总部已按本柜台显示的积分入账。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No open problems.</source>
        <translation>没有待处理的问题。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The customer is already HQ member {0}; this counter&apos;s operations for them were moved to that member. Check and dismiss.</source>
        <translation>该顾客已是总部会员 {0}；本机为其记录的操作已转到该会员名下。核对后请忽略此问题。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>HQ&apos;s rules give {0} points for this sale. Retry sends it with HQ&apos;s points.</source>
        <translation>按总部现行规则，本单应积 {0} 分。重试将按总部的积分发送。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ has erased this member (a deletion request or a merge); the operation keeps no personal data. Dismiss it.</source>
        <translation>总部已删除该会员（本人申请删除或会员合并），此操作已不含个人信息。请忽略。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>HQ booked this redemption, but offline redemptions by this member here on {0} reached {1} points, over the daily cap of {2}. HQ reviews it; check and dismiss.</source>
        <translation>总部已为此次兑换入账，但该会员 {0} 在本店的离线兑换累计 {1} 积分，超过每日上限 {2}。总部将复核；请核实后忽略。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0} is limited to {1} a day per member, and this member had reached it at another store that day. Check with the member and dismiss.</source>
        <translation>{0} 每位会员每天限兑 {1} 份，该会员当天已在其他门店兑满。请与会员核实后忽略此条。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HQ says: {0}</source>
        <translation>总部说明：{0}</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>HQ would refuse this again; check it with the member and dismiss it.</source>
        <translation>重试仍会被总部拒绝；请与会员核实后忽略。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Retry once the cause is fixed, or dismiss it.</source>
        <translation>原因排除后可重试，否则请忽略。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Retried: it is sent to HQ as a new operation.</source>
        <translation>已重试：将作为新操作发送到总部。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Dismissed.</source>
        <translation>已忽略。</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <location filename="../../ui/member/profile_dialog.py" line="+70"/>
        <source>Member profile and health record</source>
        <translation>会员资料与健康档案</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Profile</source>
        <translation>资料(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Health record</source>
        <translation>健康档案(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;onsents</source>
        <translation>授权同意(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;ard</source>
        <translation>会员卡(&amp;A)</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Education</source>
        <translation>学历</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Income band</source>
        <translation>收入段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Marital status</source>
        <translation>婚姻状况</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Save profile</source>
        <translation>保存资料(&amp;S)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save health &amp;record</source>
        <translation>保存健康档案(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Enrol in a care plan…</source>
        <translation>登记慢病随访计划(&amp;E)…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Membership (required; leaving is a deletion request at HQ)</source>
        <translation>会员资格（必需；退会须向总部提出删除申请）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health information (allergies, conditions, medicines)</source>
        <translation>健康信息（过敏史、慢性病、常用药）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Marketing contact (SMS, calls, mail; outreach lists)</source>
        <translation>营销联系（短信、电话、邮寄；会员行销名单）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Confirm withdrawal</source>
        <translation>确认撤回</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Scan or type the new card&apos;s 16 digits</source>
        <translation>扫描或输入新卡的 16 位卡号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It replaces the lost card</source>
        <translation>替换挂失的旧卡</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Bind card</source>
        <translation>绑定新卡(&amp;B)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Print card…</source>
        <translation>打印会员卡…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save card as PNG</source>
        <translation>会员卡存为 PNG</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cards</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New card</source>
        <translation>新卡</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Sensitive personal information: every view is recorded in the audit log.</source>
        <translation>敏感个人信息：每次查看都记入审计日志。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No health consent on file: record the member&apos;s separate consent on the Consents page first.</source>
        <translation>尚无健康信息授权：请先在“授权同意”页记录会员的单独同意。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>given</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Withdraw consent</source>
        <translation>撤回同意</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Record consent</source>
        <translation>记录同意</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Nothing was changed.</source>
        <translation>没有需要保存的修改。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Profile saved; the change is in the audit log.</source>
        <translation>资料已保存，修改已记入审计日志。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Health record saved.</source>
        <translation>健康档案已保存。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Withdraw the health consent? The health record is erased at this store and at HQ, and care plans end.</source>
        <translation>撤回健康信息授权？本店和总部的健康档案都将删除，慢病管理计划随之结束。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Withdraw the marketing consent? The member is taken off outreach lists.</source>
        <translation>撤回营销联系授权？该会员将从行销名单中移除。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Consent recorded.</source>
        <translation>已记录同意。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Health consent withdrawn; the health record is erased.</source>
        <translation>健康信息授权已撤回，健康档案已删除。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Marketing consent withdrawn; off the outreach lists.</source>
        <translation>营销联系授权已撤回，已移出行销名单。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Card bound; the old card no longer finds the member.</source>
        <translation>新卡已绑定，旧卡不能再查到该会员。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The card image could not be saved: {0}</source>
        <translation>会员卡图片未能保存：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Card saved as {0}</source>
        <translation>会员卡已保存为 {0}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The card went to the printer.</source>
        <translation>会员卡已送往打印机。</translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <location filename="../../ui/points/redeem_dialog.py" line="+76"/>
        <source>Redeem points (F6)</source>
        <translation>积分兑换 (F6)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Member:</source>
        <translation>会员：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reward (its number or the arrows):</source>
        <translation>兑换商品(&amp;R)（按编号或方向键选择）：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quantity:</source>
        <translation>数量(&amp;Q)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Redeem (Enter)</source>
        <translation>确认兑换(&amp;R)（回车）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>HQ is online: the member may redeem up to the balance.</source>
        <translation>总部在线：最多可兑换到积分余额为止。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Offline: this member may redeem {0:,} more points here today (at most {1:,} a day while HQ cannot be asked).</source>
        <translation>离线：该会员今天在本店还可兑换 {0:,} 积分（无法连接总部时每天最多 {1:,}）。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>HQ&apos;s catalogue has no rewards.</source>
        <translation>总部的兑换目录中没有商品。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0}. {1} · {2:,} points</source>
        <translation>{0}. {1} · {2:,} 积分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · at most {0} a day ({1} left today)</source>
        <translation> · 每天限 {0} 份（今天还可 {1} 份）</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{0} × {1} = {2:,} points · balance {3:,} → {4:,}</source>
        <translation>{0} × {1} = {2:,} 积分 · 余额 {3:,} → {4:,}</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../ui/points/refund_dialog.py" line="+46"/>
        <source>Refund: take back a sale&apos;s points</source>
        <translation>退货：扣回消费积分</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Take back (Enter)</source>
        <translation>扣回 (回车)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Receipt:</source>
        <translation>小票：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sale:</source>
        <translation>消费：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Left to refund:</source>
        <translation>可退：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refunded self-paid &amp;amount (¥):</source>
        <translation>退款自付金额(&amp;A)（¥）：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Points taken back:</source>
        <translation>扣回积分：</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{0}: self-paid {1}, earned {2:,} points</source>
        <translation>{0}：自付 {1}，积分 {2:,}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} and {1:,} points</source>
        <translation>{0}，{1:,} 分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (refunded before: {0}, {1:,} points)</source>
        <translation>（此前已退 {0}，{1:,} 分）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>empty: everything left ({0})</source>
        <translation>留空：全部可退（{0}）</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Refund booked: {0:,} points taken back for receipt {1}.</source>
        <translation>退货已记：小票 {1} 扣回 {0:,} 分。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The member&apos;s balance is now {0:,}, below zero; HQ flags it for review.</source>
        <translation>会员积分余额现为 {0:,}，已低于零；总部将标记复核。</translation>
    </message>
</context>
<context>
    <name>Registration</name>
    <message>
        <location filename="../../ui/member/form_fields.py" line="+36"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Junior high or below</source>
        <translation>初中及以下</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>High school</source>
        <translation>高中/中专</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Associate degree</source>
        <translation>大专</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bachelor</source>
        <translation>本科</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Postgraduate</source>
        <translation>研究生及以上</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Under ¥3,000 a month</source>
        <translation>月收入 3000 元以下</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>¥3,000–6,000</source>
        <translation>3000–6000 元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>¥6,000–10,000</source>
        <translation>6000–10000 元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>¥10,000–20,000</source>
        <translation>10000–20000 元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Over ¥20,000</source>
        <translation>20000 元以上</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Single</source>
        <translation>未婚</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Married</source>
        <translation>已婚</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Divorced</source>
        <translation>离异</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Widowed</source>
        <translation>丧偶</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>—</source>
        <translation>—</translation>
    </message>
</context>
<context>
    <name>RegistrationDialog</name>
    <message>
        <location filename="../../ui/member/registration.py" line="+64"/>
        <source>Register a member</source>
        <translation>登记会员</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>11-digit mobile</source>
        <translation>11 位手机号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. 1980-05-12</source>
        <translation>如 1980-05-12</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>scan their card or type their phone</source>
        <translation>扫推荐人的会员卡或输入其手机号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>scan a pre-printed card</source>
        <translation>扫预印会员卡</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Issue a card &amp;number from this counter</source>
        <translation>由本机发新卡号(&amp;N)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mobile *</source>
        <translation>手机 *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Education</source>
        <translation>学历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Income</source>
        <translation>收入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Marital status</source>
        <translation>婚姻状况</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referred by</source>
        <translation>推荐人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Print consent slip (Ctrl+P)</source>
        <translation>打印同意书（Ctrl+P）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Register (Enter)</source>
        <translation>登记（回车）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>Card {0} will be the member&apos;s.</source>
        <translation>会员卡 {0} 可以使用。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The consent slip went to the printer.</source>
        <translation>同意书已送去打印。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Referrer: {0} (no. {1})</source>
        <translation>推荐人：{0}（会员号 {1}）</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+32"/>
        <source>Nothing was saved: correct the fields marked.</source>
        <translation>未保存：请改正标出的各项。</translation>
    </message>
</context>
<context>
    <name>ResetPinDialog</name>
    <message>
        <location filename="../../ui/manager/operator_dialogs.py" line="-30"/>
        <source>New PIN for {0}</source>
        <translation>为 {0} 设置新 PIN</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New &amp;PIN</source>
        <translation>新 PIN(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN &amp;again</source>
        <translation>再次输入 PIN(&amp;A)</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <location line="-17"/>
        <source>Role of {0}</source>
        <translation>{0} 的角色</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Role</source>
        <translation>角色(&amp;R)</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <location filename="../../ui/care/task_dialog.py" line="+85"/>
        <source>Showing the phone to call (audited)…</source>
        <translation>正在显示要拨打的手机号（记入审计日志）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What to say</source>
        <translation>话术</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+70"/>
        <source>(no script)</source>
        <translation>（无话术）</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>Note: what was said, what to do next</source>
        <translation>备注：沟通内容、下一步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Shown to call the member; this view is in the audit log.</source>
        <translation>为联系会员而显示；本次查看已记入审计日志。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Done: {0} · {1} · {2}</source>
        <translation>已完成：{0} · {1} · {2}</translation>
    </message>
</context>
<context>
    <name>WindowsMixin</name>
    <message>
        <location filename="../../ui/shell/windows.py" line="+49"/>
        <source>Find the member first, then press F8.</source>
        <translation>请先查找会员，再按 F8。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Only a service assistant or store manager may open the profile and health record; the allergy banner shows what the cashier needs.</source>
        <translation>只有客服或店长可以打开会员资料和健康档案；收银所需的信息见过敏提示条。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Registering members is for a service assistant or store manager.</source>
        <translation>登记会员需由客服或店长办理。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Member registered.</source>
        <translation>会员已登记。</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Only a service assistant or store manager follows complaints up; F4 logs one.</source>
        <translation>只有客服干事或店长可以跟进投诉；按 F4 可登记投诉。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Outreach lists are for a service assistant or store manager.</source>
        <translation>会员行销名单仅供服务专员或店长使用。</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Sync problems</source>
        <translation>同步问题</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only a store manager may see and resolve the problems list.
Lock the counter (Ctrl+L) and let a store manager sign in.</source>
        <translation>只有店长可以查看和处理问题列表。
请锁定柜台（Ctrl+L），由店长登录。</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Your PIN is changed.</source>
        <translation>您的 PIN 已修改。</translation>
    </message>
</context>
<context>
    <name>WorkCountsButton</name>
    <message>
        <location filename="../../ui/care/work_counts.py" line="+88"/>
        <source>To do {0}</source>
        <translation>待办 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due today and overdue ({0} overdue); F9 opens the work list.</source>
        <translation>今日到期及逾期（逾期 {0} 项）；按 F9 打开今日工作。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>To do ?</source>
        <translation>待办 ?</translation>
    </message>
</context>
<context>
    <name>WorkListDialog</name>
    <message>
        <location filename="../../ui/care/worklist_dialog.py" line="+82"/>
        <source>Today&apos;s work list</source>
        <translation>今日工作</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What to do</source>
        <translation>要做的事</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Since</source>
        <translation>起始</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>↑↓ choose · Enter opens: the phone, the script, the outcome · F5 reload</source>
        <translation>↑↓ 选择 · 回车打开：手机号、话术、结果 · F5 刷新</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{0}: {1} to do, {2} of them overdue.</source>
        <translation>{0}：待办 {1} 项，其中逾期 {2} 项。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0}: nothing due today. Well done.</source>
        <translation>{0}：今日没有待办事项。辛苦了！</translation>
    </message>
</context>
</TS>
