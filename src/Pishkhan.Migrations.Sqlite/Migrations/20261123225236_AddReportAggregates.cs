using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pishkhan.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddReportAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_StartedAt",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_CreatedAt",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_FirstResponseAt",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_ResolvedAt",
                table: "ReportCases");

            migrationBuilder.AddColumn<int>(
                name: "CreatedDay",
                table: "ReportCases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CreatedHour",
                table: "ReportCases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseCalendarMicros",
                table: "ReportCases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionCalendarMicros",
                table: "ReportCases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_StartedAt_Compliance",
                table: "SlaInstances",
                columns: new[] { "StartedAt", "State", "Metric", "PolicyId", "CaseId" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_CreatedAt_Measures",
                table: "ReportCases",
                columns: new[] { "CreatedAt", "CreatedDay", "CreatedHour", "Channel", "CategoryId", "Status", "Reopens", "Exchanges", "FirstResponseBusinessSeconds", "ResolutionBusinessSeconds", "FirstResponseCalendarMicros", "ResolutionCalendarMicros" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_CreatedAt_Product",
                table: "ReportCases",
                columns: new[] { "CreatedAt", "Product" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_FirstResponseAt_Measures",
                table: "ReportCases",
                columns: new[] { "FirstResponseAt", "FirstResponseBusinessSeconds" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_ResolvedAt_Measures",
                table: "ReportCases",
                columns: new[] { "ResolvedAt", "Status", "OwnerId", "ResolutionBusinessSeconds", "Csat" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SlaInstances_StartedAt_Compliance",
                table: "SlaInstances");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_CreatedAt_Measures",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_CreatedAt_Product",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_FirstResponseAt_Measures",
                table: "ReportCases");

            migrationBuilder.DropIndex(
                name: "IX_ReportCases_ResolvedAt_Measures",
                table: "ReportCases");

            migrationBuilder.DropColumn(
                name: "CreatedDay",
                table: "ReportCases");

            migrationBuilder.DropColumn(
                name: "CreatedHour",
                table: "ReportCases");

            migrationBuilder.DropColumn(
                name: "FirstResponseCalendarMicros",
                table: "ReportCases");

            migrationBuilder.DropColumn(
                name: "ResolutionCalendarMicros",
                table: "ReportCases");

            migrationBuilder.CreateIndex(
                name: "IX_SlaInstances_StartedAt",
                table: "SlaInstances",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_CreatedAt",
                table: "ReportCases",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_FirstResponseAt",
                table: "ReportCases",
                column: "FirstResponseAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReportCases_ResolvedAt",
                table: "ReportCases",
                column: "ResolvedAt");
        }
    }
}
